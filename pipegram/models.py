"""`pipegram models pull`, and a worker's own first download: fetch models before a pool child needs them."""

from __future__ import annotations

import logging
from pathlib import Path

from shared.languages import find_language
from shared.settings import get_settings
from shared.skills import SKILL_QUEUES
from workers.models import TINY, ModelSpec, resolve_specs
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
            where = fetch(spec.model, spec.revision)
        print(f"{skill}: {spec.model} -> {where}")


def fetch(model: str, revision: str | None = None, cached_only: bool = False) -> Path:
    """A model's folder: itself if local, else from the Hub (at the pinned revision), or only from the cache."""
    if Path(model).expanduser().is_dir():
        return Path(model).expanduser()
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(model, revision=revision, local_files_only=cached_only))


def hub_models(spec: ModelSpec) -> list[str]:
    """The Hub models a spec loads when its worker starts (a voice template: the English voice)."""
    if spec.model == TINY or Path(spec.model).expanduser().is_dir():
        return []
    return [voice_sources(spec.model, spec.voices)["en"]] if "{lang}" in spec.model else [spec.model]


def prefetch(specs: dict[str, ModelSpec]) -> None:
    """Download the Hub models these skills lack, here, with progress in the log: a pool child must warm up within
    Celery's worker_proc_alive_timeout, which a first download of gigabytes would overrun."""
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    log = logging.getLogger("pipegram.models")
    for skill, spec in specs.items():
        for model in hub_models(spec):
            try:
                fetch(model, spec.revision, cached_only=True)
                continue
            except Exception:  # not in the cache yet
                pass
            log.info("%s: downloading %s before the worker starts (progress below)", skill, model)
            enable_progress_bars()
            try:
                log.info("%s: %s is in %s", skill, model, fetch(model, spec.revision))
            except Exception as exc:  # offline or no such model: the pool child says so when it loads it
                log.error("%s: could not download %s (%s)", skill, model, exc)
            finally:
                disable_progress_bars()
