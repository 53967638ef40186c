"""Precision per skill: the README's GPU dtype table is the code's, half precision keeps real answers (MiniLM,
Whisper tiny.en), SAM answers in bf16 and fp16, and models load where they run, at the revision asked for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipegram.samples.images import scene
from pipegram.samples.realweights import minilm_folder, similarities, speech_16k, word_share
from shared.skills import SKILL_QUEUES
from workers.models import DEFAULT_MODELS, KEEP_FP32, ModelSpec, gpu_dtype, load_pipeline, loaded_as, resolve_specs
from workers.seq2seq import Seq2SeqModel
from workers.skills import segment, similar, transcribe

README = Path(__file__).resolve().parents[2] / "README.md"
NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
HALF = ("bfloat16", "float16")


def readme_dtypes() -> dict[str, str]:
    """Skill -> GPU dtype, from the README's precision table."""
    text = README.read_text()
    table = text[text.index("| Skill | Default model | On a GPU | Why |"):].split("\n\n")[0]
    rows = [line.split("|")[1:-1] for line in table.splitlines()[2:]]
    return {row[0].strip(): NAMES[re.match(r"\s*(\w+)", row[2]).group(1)] for row in rows}  # type: ignore[union-attr]


def test_the_readme_table_is_the_policy_in_code() -> None:
    assert readme_dtypes() == {skill: gpu_dtype(skill) for skill in SKILL_QUEUES}
    assert all(gpu_dtype(skill, bf16_supported=False) in ("float16", "float32") for skill in SKILL_QUEUES)


def test_fp32_skills_stay_fp32_by_default_and_a_models_toml_overrides_any(tmp_path: Path) -> None:
    specs = resolve_specs("default", list(SKILL_QUEUES))
    assert {skill for skill, spec in specs.items() if spec.dtype == "float32"} == set(KEEP_FP32) == {"say"}
    assert {spec.dtype for skill, spec in specs.items() if skill not in KEEP_FP32} == {"auto"}
    config = tmp_path / "models.toml"
    config.write_text('base = "tiny"\n[say]\ndtype = "bfloat16"\n[chat]\nrevision = "v1.2"\n')
    specs = resolve_specs(str(config), ["say", "chat"])
    assert specs["say"].dtype == "bfloat16" and specs["chat"].revision == "v1.2"


def test_what_was_loaded_names_the_hub_commit_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--sentence-transformers--all-MiniLM-L6-v2"
    (repo / "snapshots" / commit).mkdir(parents=True)
    (repo / "snapshots" / commit / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    assert loaded_as(ModelSpec(DEFAULT_MODELS["similar"])) == f"{DEFAULT_MODELS['similar']}@{commit}"
    assert loaded_as(ModelSpec(DEFAULT_MODELS["chat"], revision="v2")) == f"{DEFAULT_MODELS['chat']}@v2"  # not cached
    assert loaded_as(ModelSpec("tiny")) == "tiny" and loaded_as(ModelSpec(str(tmp_path))) == str(tmp_path)


def test_seq2seq_models_load_on_their_device_in_their_dtype(models_cache: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    def moved(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("loaded on the CPU and then moved")

    monkeypatch.setattr(torch.nn.Module, "to", moved)
    spec = ModelSpec("tiny", dtype="bfloat16", device="cpu")
    model = load_pipeline("translation", "nllb", spec, models_cache, Seq2SeqModel.load)
    assert model.model.dtype == torch.bfloat16 and model.model.device.type == "cpu"


@pytest.mark.parametrize("dtype", HALF)
def test_sam_answers_in_half_precision(models_cache: Path, dtype: str) -> None:
    spec = ModelSpec("tiny", dtype=dtype, device="cpu")
    pipe = load_pipeline(segment.TASK, segment.TINY_MODEL, spec, models_cache, segment.load)
    [found] = segment.forward(pipe, [scene(96, 72)], spec)
    assert str(pipe.model.dtype) == f"torch.{dtype}" and found.image.size == (96, 72)


@pytest.fixture(scope="module")
def minilm_fp32(models_cache: Path) -> np.ndarray:
    return similarities(load_pipeline(similar.TASK, "", ModelSpec(str(minilm_folder()), dtype="float32"),
                                      models_cache, similar.load))


@pytest.mark.parametrize("dtype", HALF)
def test_real_minilm_in_half_precision_scores_within_002_of_fp32(minilm_fp32: np.ndarray, models_cache: Path,
                                                                 dtype: str) -> None:
    model = load_pipeline(similar.TASK, "", ModelSpec(str(minilm_folder()), dtype=dtype), models_cache, similar.load)
    half = similarities(model)
    assert str(model.dtype) == f"torch.{dtype}"
    assert np.abs(half - minilm_fp32).max() <= 0.02, (half, minilm_fp32)
    assert half[0] > 0.5 > half[1]  # still a paraphrase far above an unrelated sentence


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    return speech_16k()


def transcript(folder: Path, dtype: str, clip: np.ndarray, cache: Path) -> str:
    pipe = load_pipeline(transcribe.TASK, "", ModelSpec(str(folder), dtype=dtype, device="cpu"), cache)
    assert str(pipe.model.dtype) == f"torch.{dtype}"
    return str(pipe(clip, return_timestamps=True)["text"])


@pytest.fixture(scope="module")
def whisper_fp32(whisper_tiny_en: Path, clip: np.ndarray, models_cache: Path) -> str:
    reference = transcript(whisper_tiny_en, "float32", clip, models_cache)
    assert word_share("the quick brown fox over the lazy dog weekly report museum", reference) >= 0.8, reference
    return reference


@pytest.mark.parametrize("dtype", HALF)
def test_real_whisper_in_half_precision_keeps_90_percent_of_the_fp32_words(whisper_tiny_en: Path, clip: np.ndarray,
                                                                           models_cache: Path, whisper_fp32: str,
                                                                           dtype: str) -> None:
    reference = whisper_fp32
    half = transcript(whisper_tiny_en, dtype, clip, models_cache)
    assert word_share(reference, half) >= 0.9, (reference, half)
