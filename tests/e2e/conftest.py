"""A whole Pipegram (real bot, real Celery worker, real Redis, emulator over HTTP), shared by e2e tests; stacks
are started by pipegram/stack.py, which bench/ uses too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pipegram.stack import Stack, stack_with_models, start_redis, start_stack

__all__ = ["MAIN_TOKEN", "Stack", "stack", "stack_on_own_redis", "stack_with_models", "start_stack"]

MAIN_TOKEN = "111111:main-test-token"  # the shared stack's bot


@contextmanager
def stack_on_own_redis(name: str, token: str, models_toml: str, emulator_url: str, log_dir: Path, cache: Path,
                       **options: Any) -> Iterator[Stack]:
    """A stack with tiny models configured by its own TOML and a redis-server of its own, stopped together;
    options go to start_stack (queues, shared_env, worker_command...)."""
    redis_proc, redis_url = start_redis(log_dir)
    config = log_dir / f"{name}-models.toml"
    config.write_text(f'base = "tiny"\n{models_toml}')
    try:
        stack = start_stack(name, token, emulator_url, redis_url, log_dir, str(config), cache, **options)
        try:
            yield stack
        finally:
            stack.stop()
    finally:
        redis_proc.stop()


@pytest.fixture(scope="session")
def stack(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """The shared stack most end-to-end tests talk to."""
    stack = start_stack("main", MAIN_TOKEN, emulator_url, redis_url, log_dir, cache=models_cache)
    yield stack
    stack.stop()
