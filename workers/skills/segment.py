"""Segment: a photo → mask generation (SAM by default) → the photo with each mask tinted its own colour.

transformers 5 post-processes masks with torchvision; a worker without it still starts and answers `/segment`
by saying how to install it.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

from PIL import Image

from shared.jobs import Job
from workers.images import as_attachment, overlay_masks
from workers.models import TINY, ModelSpec
from workers.skill import BadInput, Reply, SkillContext
from workers.vision import job_image

log = logging.getLogger(__name__)

TASK = "mask-generation"
TINY_MODEL = "sam"

NEEDS_TORCHVISION = ("✂️ Segmentation needs torchvision, which this worker does not have. Its owner can install it "
                     "with: pip install torch==2.14.1 torchvision==0.29.1 (or make install TORCH=\"torch==2.14.1 "
                     "torchvision==0.29.1\"), then restart the worker.")
NOTHING_FOUND = "✂️ I couldn't find any distinct regions in that photo."
# SAM prompted by a 16 × 16 grid of points (the original uses 32 × 32: 4 × the work for finer regions). Tiny random
# models get 8 × 8: on CPU the pipeline's mask post-processing grows faster than the grid (3 s vs 21 s).
POINTS_PER_SIDE = {"default": 16, TINY: 8}
POINTS_PER_BATCH = 256


@dataclass(frozen=True)
class Segments:
    image: Image.Image
    masks: list[Any]


def load(source: str, device: str, dtype: Any, spec: ModelSpec) -> Any:
    """The mask-generation pipeline, or None when torchvision is missing (the skill then says so)."""
    if importlib.util.find_spec("torchvision") is None:
        log.warning("segment: torchvision is not installed; /segment will say how to install it")
        return None
    from transformers import pipeline

    return pipeline(TASK, model=source, device=device, dtype=dtype,  # type: ignore[call-overload]
                    trust_remote_code=spec.trust_remote_code)


def preprocess(job: Job, ctx: SkillContext) -> Image.Image:
    """The job's image, decoded safely."""
    return job_image(job, ctx)


def forward(pipe: Any, batch: list[Image.Image], spec: ModelSpec) -> list[Segments]:
    """The masks of each image, largest first."""
    if pipe is None:
        raise BadInput(NEEDS_TORCHVISION)
    found = []
    for image in batch:
        points = POINTS_PER_SIDE[TINY if spec.model == TINY else "default"]
        result = pipe(image, points_per_crop=points, points_per_batch=POINTS_PER_BATCH, **spec.generate)
        masks = list(result["masks"])
        found.append(Segments(image, sorted(masks, key=lambda mask: -int(mask.sum()))))
    return found


def postprocess(segments: Segments, job: Job, ctx: SkillContext) -> Reply:
    """The photo with its masks overlaid, or a plain answer when there are none."""
    if not segments.masks:
        return Reply(NOTHING_FOUND)
    caption = f"✂️ {len(segments.masks)} region(s)"
    return Reply(files=(as_attachment(overlay_masks(segments.image, segments.masks), "segments", caption),))
