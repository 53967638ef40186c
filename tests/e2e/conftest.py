"""A whole Pipegram (real bot, real Celery worker, real Redis, emulator over HTTP), shared by e2e tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator.client import EmulatorClient
from shared.skills import SKILL_QUEUES
from tests.processes import PIPEGRAM, Process, start, wait_until

MAIN_TOKEN = "111111:main-test-token"  # the shared stack's bot


@dataclass
class Stack:
    """One bot and one worker, talking to one emulator bot token and one Redis database."""

    client: EmulatorClient
    redis_url: str
    worker: Process
    bot: Process
    env: dict[str, str]

    def stop(self) -> None:
        self.bot.stop()
        self.worker.stop()
        self.client.close()


def start_stack(name: str, token: str, emulator_url: str, redis_url: str, log_dir: Path,
                models: str = "tiny", cache: Path | None = None, shared_env: dict[str, str] | None = None,
                queues: tuple[str, ...] = (), worker_command: tuple[str, ...] = tuple(PIPEGRAM),
                **bot_env: str) -> Stack:
    """Start a worker (serving queues, default all) and a bot, and wait until its models are warm and the bot
    takes updates.

    Metrics ports are off unless shared_env (for both processes) sets them: stacks must not fight over ports.
    worker_command replaces `python -m pipegram.cli` for the worker (a fault test injecting a crash).
    """
    env = {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": emulator_url, "REDIS_URL": redis_url,
           "PIPEGRAM_MODELS": models, "PIPEGRAM_CACHE_DIR": str(cache or log_dir / "cache"),
           "PIPEGRAM_METRICS_PORT": "0", "PIPEGRAM_WORKER_METRICS_PORT": "0",
           # Status messages are tested on their own stack (test_waiting.py); elsewhere a slow CI machine would
           # add them to the replies tests count.
           "PIPEGRAM_STATUS_AFTER_S": "600", **(shared_env or {})}
    client = EmulatorClient(emulator_url, token)
    client.reset()
    served = ["--queues", ",".join(queues)] if queues else []
    worker = start(f"{name}-worker", [*worker_command, "worker", "--name", f"{name}@test", *served], log_dir, env)
    bot = start(f"{name}-bot", [*PIPEGRAM, "bot"], log_dir, {**env, **bot_env})
    stack = Stack(client, redis_url, worker, bot, env)
    skills = [skill for skill, queue in SKILL_QUEUES.items() if not queues or queue in queues]
    try:
        wait_until(lambda: all(f"skill {skill} warm in" in worker.log() for skill in skills),
                   "every skill warm", 180, worker)
        ready = "setWebhook" if "WEBHOOK_URL" in bot_env else "getUpdates"
        wait_until(lambda: client.calls(ready), f"the bot calling {ready}", 60, bot)
    except BaseException:  # a stack that never came up must not outlive its test
        stack.stop()
        raise
    return stack


def stack_with_models(name: str, token: str, models_toml: str, db: int, emulator_url: str, redis_url: str,
                      log_dir: Path, cache: Path, **env: str) -> Stack:
    """A stack with tiny models configured by its own TOML, on its own Redis database (so its own queues);
    env goes to both the bot and the worker."""
    config = log_dir / f"{name}-models.toml"
    config.write_text(f'base = "tiny"\n{models_toml}')
    return start_stack(name, token, emulator_url, f"{redis_url.rsplit('/', 1)[0]}/{db}", log_dir, str(config), cache,
                       env)


@pytest.fixture(scope="session")
def stack(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """The shared stack most end-to-end tests talk to."""
    stack = start_stack("main", MAIN_TOKEN, emulator_url, redis_url, log_dir, cache=models_cache)
    yield stack
    stack.stop()
