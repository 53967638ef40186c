"""Detect, describe and segment with tiny random models: real pipelines, images by file_id, clear bad-input replies."""

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from pipegram.samples.images import encode, scene
from shared.jobs import Job
from shared.settings import Settings
from workers.images import Box
from workers.models import ModelSpec, load_pipeline
from workers.skill import BadInput, Skill, SkillContext
from workers.skills import describe, detect, segment

TINY = ModelSpec("tiny")


def context(files: dict[str, bytes], **settings: Any) -> SkillContext:
    return SkillContext(redis=None, settings=Settings(_env_file=None, **settings),  # type: ignore[arg-type]
                        download=files.__getitem__)


def job(skill: str, **options: Any) -> Job:
    return Job(skill=skill, chat_id=1, user_id=1, message_id=1, file_id="photo", options=options)


def run(skill: Skill, pipe: Any, ctx: SkillContext, job: Job) -> Any:
    [output] = skill.forward(pipe, [skill.preprocess(job, ctx)], TINY)
    return skill.postprocess(output, job, ctx)


@pytest.fixture(scope="module")
def detector(models_cache: Path) -> Any:
    return load_pipeline(detect.TASK, detect.TINY_MODEL, TINY, models_cache)


def test_detection_draws_boxes_on_the_photo_and_counts_them(detector: Any) -> None:
    photo = scene(320, 240)
    reply = run(detect, detector, context({"photo": encode(photo, "JPEG")}), job("detect"))
    [attachment] = reply.files
    out = Image.open(io.BytesIO(attachment.data))
    assert attachment.kind == "photo" and out.size == photo.size
    assert " × " in attachment.caption and attachment.caption.split(" × ")[1].split(",")[0] in ("dog", "cat", "person")


def test_the_threshold_setting_and_nothing_found(detector: Any) -> None:
    ctx = context({"photo": encode(scene(), "PNG")}, pipegram_detection_threshold=1.01)
    reply = run(detect, detector, ctx, job("detect"))
    assert reply.files == () and "didn't find any objects" in reply.text


def test_count_caption_orders_by_count() -> None:
    boxes = [Box(label, 0.9, 0, 0, 1, 1) for label in ("person", "dog", "dog", "cat")]
    assert detect.count_caption(boxes) == "2 × dog, 1 × cat, 1 × person"


def test_describe_captions_and_answers(models_cache: Path) -> None:
    pipe = load_pipeline(describe.TASK, describe.TINY_MODEL, TINY, models_cache)
    ctx = context({"photo": encode(scene(), "JPEG")})
    caption = run(describe, pipe, ctx, job("describe"))
    answer = run(describe, pipe, ctx, job("describe", question="what colour is the ball?"))
    assert caption.text.startswith("🖼 ") and len(caption.text) > 3
    assert answer.text.startswith("❓ what colour is the ball?\n💬 ")


def test_vision_skills_refuse_what_is_not_an_image() -> None:
    ctx = context({"photo": b"plain text, not a picture"})
    for skill in (detect, describe, segment):
        with pytest.raises(BadInput, match="couldn't read that as an image"):
            skill.preprocess(job(skill.__name__.rsplit(".", 1)[-1]), ctx)
    with pytest.raises(BadInput, match="Send a photo"):
        detect.preprocess(Job(skill="detect", chat_id=1, user_id=1, message_id=1), ctx)


def test_segment_overlays_masks_on_the_photo(models_cache: Path) -> None:
    pipe = load_pipeline(segment.TASK, segment.TINY_MODEL, TINY, models_cache, segment.load)
    assert pipe is not None, "make install puts torchvision beside torch"
    reply = run(segment, pipe, context({"photo": encode(scene(64, 48), "PNG")}), job("segment"))
    [attachment] = reply.files
    overlay = Image.open(io.BytesIO(attachment.data)).convert("RGB")
    assert overlay.size == (64, 48) and attachment.caption.endswith("region(s)")
    assert overlay.tobytes() != scene(64, 48).tobytes()


class SpyPipe:
    """The real tiny SAM pipeline, remembering what each call was given."""

    def __init__(self, pipe: Any) -> None:
        self.pipe, self.calls = pipe, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pipe, name)

    def __call__(self, image: Image.Image, **options: Any) -> Any:
        self.calls.append((image.size, options))
        return self.pipe(image, **options)


def test_segment_runs_the_model_at_its_input_size_and_maps_the_masks_back(models_cache: Path) -> None:
    spy = SpyPipe(load_pipeline(segment.TASK, segment.TINY_MODEL, TINY, models_cache, segment.load))
    photo = scene(1600, 1200)
    spec = ModelSpec("tiny", generate={"points_per_crop": 4, "points_per_batch": 10_000})
    [segments] = segment.forward(spy, [photo], spec)
    [(seen, options)] = spy.calls
    assert seen == (32, 24)  # the tiny SAM's input size: its longest_edge
    assert options["points_per_crop"] == 4 and options["points_per_batch"] == segment.POINTS_PER_BATCH
    assert segments.masks and all(np.asarray(mask).shape == (24, 32) for mask in segments.masks)
    [overlay] = segment.postprocess(segments, job("segment"), context({})).files
    assert Image.open(io.BytesIO(overlay.data)).size == (1600, 1200)


def test_points_per_batch_are_bounded_by_the_masks_memory() -> None:
    assert segment.points_per_batch((32, 24)) == segment.POINTS_PER_BATCH
    at_1024 = segment.points_per_batch((1024, 768))
    assert 1 <= at_1024 < segment.POINTS_PER_BATCH and at_1024 * 3 * 1024 * 768 * 8 <= segment.MASK_BATCH_BYTES
    assert segment.points_per_batch((1024, 768), free_bytes=200 * 1024 * 1024) < at_1024  # a nearly full GPU
    assert segment.points_per_batch((20_000, 20_000)) == 1


def test_segment_without_torchvision_says_how_to_install_it() -> None:
    ctx = context({"photo": encode(scene(64, 48), "PNG")})
    with pytest.raises(BadInput, match="needs torchvision.*pip install torch==2.14.1 torchvision==0.29.1"):
        run(segment, None, ctx, job("segment"))


def test_photos_that_arrive_together_share_one_detection_call_with_the_same_boxes(detector: Any) -> None:
    photos = [detect.Photo(scene(320 + 40 * n, 240), 0.0) for n in range(3)]
    alone = [detect.forward(detector, [photo], TINY)[0].boxes for photo in photos]
    calls: list[int] = []
    hook = detector.model.register_forward_hook(lambda *_: calls.append(1))
    try:
        together = detect.forward(detector, photos, TINY)
    finally:
        hook.remove()
    assert len(calls) == 1 and all(alone)
    for boxes, one in zip([found.boxes for found in together], alone, strict=True):
        assert [box.label for box in boxes] == [box.label for box in one]
        # DETR sees the smaller photos padded to the largest one's size, which moves scores a little.
        assert np.allclose([box.score for box in boxes], [box.score for box in one], atol=0.01)


def test_captions_asked_together_share_one_generate_call_and_match_one_at_a_time(models_cache: Path,
                                                                                 monkeypatch: Any) -> None:
    pipe = load_pipeline(describe.TASK, describe.TINY_MODEL, TINY, models_cache)
    questions = [describe.Question(scene(200 + 30 * n, 160), prompt)
                 for n, prompt in enumerate(["Describe this image.", "What is the ball's colour, in short?", "Hi"])]
    alone = [describe.forward(pipe, [question], TINY)[0] for question in questions]
    calls: list[int] = []
    generate = pipe.model.generate
    monkeypatch.setattr(pipe.model, "generate", lambda *a, **k: calls.append(1) or generate(*a, **k))
    assert describe.forward(pipe, questions, TINY) == alone and len(calls) == 1
