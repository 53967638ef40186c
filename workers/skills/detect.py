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
    """Detect objects in every photo of the batch in one model call; each photo's boxes, most confident first.

    The processor and model are called directly: the pipeline's own batching cannot pad DETR's pixel masks of
    photos of different sizes.
    """
    import torch

    processor, model = pipe.image_processor, pipe.model
    inputs = processor(images=[photo.image.convert("RGB") for photo in batch], return_tensors="pt")
    inputs = {key: value.to(model.device, model.dtype if value.is_floating_point() else value.dtype)
              for key, value in inputs.items()}
    with torch.inference_mode():
        outputs = model(**inputs)
    sizes = [(photo.image.height, photo.image.width) for photo in batch]
    results = processor.post_process_object_detection(outputs, threshold=min(photo.threshold for photo in batch),
                                                      target_sizes=sizes)
    return [Found(photo, _boxes(result, photo.threshold, model.config.id2label))
            for photo, result in zip(batch, results, strict=True)]


def _boxes(result: dict, threshold: float, labels: dict[int, str]) -> list[Box]:
    boxes = [Box(labels[int(label)], float(score), *(float(x) for x in box))
             for score, label, box in zip(result["scores"], result["labels"], result["boxes"], strict=True)
             if float(score) >= threshold]
    return sorted(boxes, key=lambda box: -box.score)


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
