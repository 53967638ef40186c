"""Detect: a photo or image file → object detection (DETR by default) → the photo with labelled boxes.

The caption counts what was found ("2 × dog, 1 × person"); PIPEGRAM_DETECTION_THRESHOLD sets the lowest score kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from PIL import Image

from shared.jobs import Job
from workers.images import Box, as_attachment, draw_boxes
from workers.models import ModelSpec
from workers.skill import Reply, SkillContext
from workers.vision import job_image

TASK = "object-detection"
TINY_MODEL = "detr"

NOTHING_FOUND = "🔍 I didn't find any objects I know in that photo (nothing scored {threshold:.0%} or more)."


@dataclass(frozen=True)
class Photo:
    image: Image.Image
    threshold: float


@dataclass(frozen=True)
class Found:
    photo: Photo
    boxes: list[Box]


def preprocess(job: Job, ctx: SkillContext) -> Photo:
    """The job's image, decoded safely, with the configured score threshold."""
    return Photo(job_image(job, ctx), ctx.settings.pipegram_detection_threshold)


def forward(pipe: Any, batch: list[Photo], spec: ModelSpec) -> list[Found]:
    """Detect objects in each photo, most confident first."""
    found = []
    for photo in batch:
        results = pipe(photo.image, threshold=photo.threshold)
        boxes = [Box(r["label"], float(r["score"]), *(float(r["box"][k]) for k in ("xmin", "ymin", "xmax", "ymax")))
                 for r in results]
        found.append(Found(photo, sorted(boxes, key=lambda box: -box.score)))
    return found


def postprocess(found: Found, job: Job, ctx: SkillContext) -> Reply:
    """The annotated photo with a caption of counts, or a plain answer when nothing was found."""
    if not found.boxes:
        return Reply(NOTHING_FOUND.format(threshold=found.photo.threshold))
    return Reply(files=(as_attachment(draw_boxes(found.photo.image, found.boxes), "detected",
                                      count_caption(found.boxes)),))


def count_caption(boxes: list[Box]) -> str:
    """ "2 × dog, 1 × person": labels by how often they were found, then by name."""
    counts = Counter(box.label for box in boxes)
    return ", ".join(f"{n} × {label}" for label, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
