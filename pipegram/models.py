"""`pipegram models pull`: fetch every configured model before a worker needs it."""

from __future__ import annotations

from pathlib import Path

from shared.languages import find_language
from shared.settings import get_settings
from shared.skills import SKILL_QUEUES
from workers.models import TINY, resolve_specs
from workers.skills import load_skill
from workers.tiny import ensure_tiny
from workers.voices import voice_sources


def pull() -> None:
    """Download Hub models into the Hugging Face cache; build tiny ones into Pipegram's cache.

    Per-language voices (a `{lang}` template) are many: the English one and those [say.voices] names are pulled,
    the others download when a text in their language first needs them."""
    settings = get_settings()
    for skill, spec in resolve_specs(settings.pipegram_models, list(SKILL_QUEUES)).items():
        if spec.model == TINY:
            where = ensure_tiny(load_skill(skill).TINY_MODEL, settings.pipegram_cache_dir)
        elif "{lang}" in spec.model:
            sources = voice_sources(spec.model, spec.voices)
            for tag in dict.fromkeys(["en", *(find_language(name).tag for name in spec.voices)]):  # type: ignore[union-attr]
                print(f"{skill} ({tag}): {sources[tag]} -> {fetch(sources[tag])}")
            continue
        else:
            where = fetch(spec.model)
        print(f"{skill}: {spec.model} -> {where}")


def fetch(model: str) -> Path:
    """A model's folder: itself if local, else downloaded from the Hub."""
    if Path(model).expanduser().is_dir():
        return Path(model).expanduser()
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(model))
