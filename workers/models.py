"""Which model serves each skill (PIPEGRAM_MODELS), and loading it as a warm pipeline."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.settings import ConfigError

log = logging.getLogger(__name__)

TINY = "tiny"

# Real Hub models used when PIPEGRAM_MODELS=default (sizes and licences are listed in the README).
DEFAULT_MODELS: dict[str, str] = {
    "chat": "Qwen/Qwen2.5-1.5B-Instruct",
    "translate": "facebook/nllb-200-distilled-600M",
    "summarize": "sshleifer/distilbart-cnn-12-6",
    "similar": "sentence-transformers/all-MiniLM-L6-v2",
    "find": "sentence-transformers/all-MiniLM-L6-v2",
    "detect": "PekingU/rtdetr_r50vd",  # DETR-family with its own ResNet: no timm (facebook/detr-resnet-50 needs it)
    "segment": "facebook/sam-vit-base",
    "describe": "HuggingFaceTB/SmolVLM-256M-Instruct",
    "transcribe": "openai/whisper-large-v3-turbo",
    "say": "facebook/mms-tts-{lang}",  # one voice per language, loaded when first needed (workers/voices.py)
    "classify_sound": "laion/clap-htsat-unfused",
}

# On a GPU, a skill whose dtype is "auto" runs in bf16 (fp16 where the GPU has no bf16), except those here, which
# stay in float32, each with the reason (the README's models section has the whole table).
KEEP_FP32: dict[str, str] = {
    "say": "bf16 keeps 8 bits of each waveform sample (audible noise), and a 36 M-parameter voice gains little",
}

# Largest dynamic batch per skill on batched workers, unless the models TOML says otherwise. Photos that arrive
# together share one detection or captioning call; SAM takes one photo at a time. Chat above 1 puts the `text`
# queue on the batched worker (workers.tasks.batched_queues).
DEFAULT_BATCH_SIZES: dict[str, int] = {"similar": 32, "find": 8, "detect": 8, "describe": 8, "chat": 16}

# A skill whose model does not load through `pipeline(task, ...)` gives its module a `load` with this shape.
Loader = Callable[[str, str, Any, "ModelSpec"], Any]


@dataclass(frozen=True)
class ModelSpec:
    """How one skill's model is loaded and called."""

    model: str
    dtype: str = "auto"
    device: str = "auto"
    # "auto" spreads a model too big for one GPU over all visible GPUs (accelerate); then `device` is unused.
    device_map: str | None = None
    batch_size: int = 1
    batch_window_ms: float = 10.0  # how long a batched worker waits for more jobs to join a model call
    trust_remote_code: bool = False
    revision: str | None = None  # a Hub branch, tag or commit to pin; unset: the main branch
    time_limit: int = 120  # seconds before the user hears "took too long"; the hard kill comes 30 s later
    generate: dict[str, Any] = field(default_factory=dict)
    # Text-to-speech: per-language voices ("de" → model) over the model's own, and how much memory warm voices
    # may take together before the least recently used is dropped (an MMS-TTS voice takes about 145 MB).
    voices: dict[str, str] = field(default_factory=dict)
    voice_memory_mb: float = 600


def resolve_specs(setting: str, skills: list[str]) -> dict[str, ModelSpec]:
    """Map each skill to its ModelSpec from `default`, `tiny` or a TOML file."""
    if setting in ("default", TINY):
        base = setting
        table: dict[str, Any] = {}
    else:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise ConfigError(f"PIPEGRAM_MODELS must be 'default', 'tiny' or a TOML file; {path} does not exist")
        table = tomllib.loads(path.read_text())
        base = table.pop("base", "default")
    specs = {}
    for skill in skills:
        fallback = TINY if base == TINY else DEFAULT_MODELS.get(skill, TINY)
        entry = {"batch_size": DEFAULT_BATCH_SIZES.get(skill, 1), "dtype": "float32" if skill in KEEP_FP32 else "auto",
                 **table.get(skill, {})}
        specs[skill] = ModelSpec(model=entry.pop("model", fallback), **entry)
    return specs


def pick_device(spec: ModelSpec) -> tuple[str, Any]:
    """The device and torch dtype to load with: fp32 on CPU, bf16 (or fp16) on a GPU, unless configured."""
    import torch

    device = spec.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if spec.dtype != "auto":
        return device, getattr(torch, spec.dtype)
    if device.startswith("cuda"):
        return device, getattr(torch, half_dtype(torch.cuda.is_bf16_supported()))
    return device, torch.float32


def half_dtype(bf16_supported: bool) -> str:
    """The half precision a GPU runs models in: bf16 (fp32's range, so no overflow) where it has it, else fp16."""
    return "bfloat16" if bf16_supported else "float16"


def gpu_dtype(skill: str, bf16_supported: bool = True) -> str:
    """The dtype a skill's model runs in on a GPU when the models config leaves it at "auto"."""
    return "float32" if skill in KEEP_FP32 else half_dtype(bf16_supported)


def load_pipeline(task: str, tiny_kind: str, spec: ModelSpec, cache_dir: Path, loader: Loader | None = None) -> Any:
    """Load one skill's pipeline through `transformers.pipeline(task, model=...)`, or through its own loader."""
    from transformers import pipeline

    from workers.tiny import ensure_tiny

    source = str(ensure_tiny(tiny_kind, cache_dir)) if spec.model == TINY else spec.model
    device, dtype = pick_device(spec)
    log.info("loading %s model %s on %s (%s)", task, loaded_as(spec), device, dtype)
    if loader is not None:
        return loader(source, device, dtype, spec)
    placement = {"device_map": spec.device_map} if spec.device_map else {"device": device}
    return pipeline(task, model=source, dtype=dtype, trust_remote_code=spec.trust_remote_code,  # type: ignore[call-overload]
                    revision=spec.revision, **placement)


def loaded_as(spec: ModelSpec) -> str:
    """What a spec loads, to log and announce: a Hub model with the commit in the local cache, a folder or tiny."""
    if spec.model == TINY or "{lang}" in spec.model or Path(spec.model).expanduser().is_dir():
        return spec.model
    from huggingface_hub import snapshot_download

    try:
        commit = Path(snapshot_download(spec.model, revision=spec.revision, local_files_only=True)).name
    except Exception:  # not downloaded yet (it will be while loading) or not a Hub id
        return f"{spec.model}@{spec.revision or 'main'}"
    return f"{spec.model}@{commit}"

