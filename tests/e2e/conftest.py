"""A whole Pipegram (real bot, real Celery worker, real Redis, emulator over HTTP), shared by e2e tests; stacks
are started by pipegram/stack.py, which bench/ uses too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipegram.stack import Stack, stack_with_models, start_stack

__all__ = ["MAIN_TOKEN", "Stack", "stack", "stack_with_models", "start_stack"]

MAIN_TOKEN = "111111:main-test-token"  # the shared stack's bot


@pytest.fixture(scope="session")
def stack(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """The shared stack most end-to-end tests talk to."""
    stack = start_stack("main", MAIN_TOKEN, emulator_url, redis_url, log_dir, cache=models_cache)
    yield stack
    stack.stop()
