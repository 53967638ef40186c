"""`pipegram models pull`: fetch every configured model before a worker needs it."""

from __future__ import annotations

from pathlib import Path

from shared.settings import get_settings
from shared.skills import SKILL_QUEUES
from workers.models import TINY, resolve_specs
from workers.skills import load_skill
from workers.tiny import ensure_tiny


def pull() -> None:
    """Download Hub models into the Hugging Face cache; build tiny ones into Pipegram's cache."""
    settings = get_settings()
    for skill, spec in resolve_specs(settings.pipegram_models, list(SKILL_QUEUES)).items():
        if spec.model == TINY:
            where = ensure_tiny(load_skill(skill).TINY_MODEL, settings.pipegram_cache_dir)
        elif Path(spec.model).expanduser().is_dir():
            where = Path(spec.model).expanduser()
        else:
            from huggingface_hub import snapshot_download

            where = Path(snapshot_download(spec.model))
        print(f"{skill}: {spec.model} -> {where}")
