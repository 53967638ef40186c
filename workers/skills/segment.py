"""Segment: a photo → mask generation (SAM by default) → the photo with each mask tinted its own colour.

SAM sees the photo at its own input size (1024 px) whatever the photo's: the pipeline scales every mask of a batch
of points back to the size it was given, on the device, so a 12 MP photo would cost tens of GB. Masks come back
at the model's size and are scaled up once for the overlay; points per batch are bounded by memory too.
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
from workers.images import as_attachment, fit_within, overlay_masks
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
# What one batch of points may take for its masks, scaled to the input image: 3 float32 masks per point, twice
# over while they are thresholded. On a GPU also at most a quarter of the memory free.
MASK_BATCH_BYTES = 512 * 1024 * 1024


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
                    trust_remote_code=spec.trust_remote_code, revision=spec.revision,
                    pipeline_class=_fp32_postprocessing())


def _fp32_postprocessing() -> type:
    """The mask-generation pipeline with each batch's scores and boxes in float32 (its masks are already binary):
    a bf16/fp16 model's scores would otherwise meet float32 boxes in torchvision's nms, which refuses them."""
    from transformers import MaskGenerationPipeline

    class Fp32MaskGeneration(MaskGenerationPipeline):
        def _forward(self, model_inputs: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            found = super()._forward(model_inputs, **kwargs)
            found["iou_scores"], found["boxes"] = found["iou_scores"].float(), found["boxes"].float()
            return found

    return Fp32MaskGeneration


def preprocess(job: Job, ctx: SkillContext) -> Image.Image:
    """The job's image, decoded safely."""
    return job_image(job, ctx)


def forward(pipe: Any, batch: list[Image.Image], spec: ModelSpec) -> list[Segments]:
    """The masks of each image, at the model's input size."""
    if pipe is None:
        raise BadInput(NEEDS_TORCHVISION)
    found = []
    for image in batch:
        seen = fit_within(image, input_size(pipe))
        points = POINTS_PER_SIDE[TINY if spec.model == TINY else "default"]
        options = {"points_per_crop": points, **spec.generate}
        options["points_per_batch"] = min(int(options.get("points_per_batch", POINTS_PER_BATCH)),
                                          points_per_batch(seen.size, free_device_bytes(pipe)))
        result = pipe(seen, **options)
        found.append(Segments(image, list(result["masks"])))
    return found


def input_size(pipe: Any) -> int:
    """The longest side the model looks at (SAM: 1024 px): anything bigger it would only scale down itself."""
    size = getattr(pipe.image_processor, "size", None) or {}
    return int(size.get("longest_edge", 1024))


def points_per_batch(size: tuple[int, int], free_bytes: int | None = None) -> int:
    """How many prompt points one model call may take, so that its masks at this image size fit in memory."""
    budget = MASK_BATCH_BYTES if free_bytes is None else min(MASK_BATCH_BYTES, free_bytes // 4)
    per_point = 3 * size[0] * size[1] * 4 * 2
    return max(1, min(POINTS_PER_BATCH, budget // per_point))


def free_device_bytes(pipe: Any) -> int | None:
    """Free memory on the pipeline's GPU; None on a CPU (where MASK_BATCH_BYTES alone bounds a batch)."""
    device = getattr(pipe, "device", None)
    if device is None or getattr(device, "type", "cpu") != "cuda":
        return None
    import torch

    return int(torch.cuda.mem_get_info(device)[0])


def postprocess(segments: Segments, job: Job, ctx: SkillContext) -> Reply:
    """The photo, at its own size, with its masks overlaid; or a plain answer when there are none."""
    if not segments.masks:
        return Reply(NOTHING_FOUND)
    caption = f"✂️ {len(segments.masks)} region(s)"
    return Reply(files=(as_attachment(overlay_masks(segments.image, segments.masks), "segments", caption),))
