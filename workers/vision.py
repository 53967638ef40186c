"""What the vision skills share: the image a job points at, downloaded by file_id and decoded safely."""

from __future__ import annotations

from PIL import Image

from shared.jobs import Job
from workers.images import open_image
from workers.skill import BadInput, SkillContext

NO_IMAGE = "🖼 Send a photo, or reply to one, for me to look at."


def job_image(job: Job, ctx: SkillContext) -> Image.Image:
    """The job's photo or image file: downloaded here (never carried through Redis), upright, RGB."""
    if not job.file_id:
        raise BadInput(NO_IMAGE)
    return open_image(ctx.download(job.file_id), ctx.settings.pipegram_max_image_pixels)
