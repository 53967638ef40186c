"""A worker's first download happens in its parent process, before any pool child (which must warm up within
Celery's worker_proc_alive_timeout) starts: missing Hub models are fetched with progress in the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipegram.models import hub_models, prefetch
from workers.models import ModelSpec

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Hugging Face cache, offline: the Hub cannot be reached from here."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    return tmp_path


def cache_model(cache: Path, repo: str) -> None:
    folder = cache / f"models--{repo.replace('/', '--')}"
    (folder / "snapshots" / COMMIT).mkdir(parents=True)
    (folder / "snapshots" / COMMIT / "config.json").write_text("{}")
    (folder / "refs").mkdir()
    (folder / "refs" / "main").write_text(COMMIT)


def test_tiny_models_folders_and_voice_templates_name_what_a_worker_loads(tmp_path: Path) -> None:
    assert hub_models(ModelSpec("tiny")) == [] and hub_models(ModelSpec(str(tmp_path))) == []
    assert hub_models(ModelSpec("facebook/mms-tts-{lang}")) == ["facebook/mms-tts-eng"]
    assert hub_models(ModelSpec("org/model")) == ["org/model"]


def test_cached_models_are_not_fetched_again_and_missing_ones_are_downloaded_with_progress(
        hub_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import huggingface_hub

    cache_model(hub_cache, "org/cached")
    downloads = []
    real = huggingface_hub.snapshot_download

    def download(repo_id: str, revision: str | None = None, local_files_only: bool = False) -> str:
        if local_files_only:
            return real(repo_id, revision=revision, local_files_only=True)
        downloads.append((repo_id, revision))  # what the Hub would serve; it cannot be reached from here
        cache_model(hub_cache, repo_id)
        return str(hub_cache)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", download)
    with caplog.at_level(logging.INFO, "pipegram.models"):
        prefetch({"similar": ModelSpec("org/cached"), "chat": ModelSpec("org/missing", revision="v2"),
                  "detect": ModelSpec("tiny")})
    assert downloads == [("org/missing", "v2")]
    assert "chat: downloading org/missing before the worker starts" in caplog.text
    assert "org/cached" not in caplog.text


def test_a_model_that_cannot_be_downloaded_is_reported_and_the_worker_goes_on(
        hub_cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, "pipegram.models"):
        prefetch({"chat": ModelSpec("org/nowhere")})
    assert "chat: could not download org/nowhere" in caplog.text
