"""Pipegram's real processes started from Python (a Redis, the emulator, a worker, a bot) and stopped again,
leaving nothing behind: for the benchmark (bench/) and the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import redis

from emulator.client import EmulatorClient
from pipegram.ports import free_port
from shared.skills import SKILL_QUEUES

ROOT = Path(__file__).resolve().parents[1]
PIPEGRAM = [sys.executable, "-m", "pipegram.cli"]


def wait_until(check: Callable[[], object], what: str, timeout: float = 60, proc: Process | None = None) -> None:
    """Wait for a condition, failing early with the process log if the process died."""
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}) before {what}:\n{proc.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s" + (f":\n{proc.tail()}" if proc else ""))
        time.sleep(0.05)


@dataclass
class Process:
    """A child process whose output goes to a log file the tests can read."""

    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM, then SIGKILL after timeout; a worker's pool child or sibling left behind is killed too."""
        if self.popen.poll() is None:
            family = descendants(self.popen.pid)
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
            kill_leftovers(family)


def start(name: str, argv: list[str], log_dir: Path, env: dict[str, str] | None = None) -> Process:
    """Start a process with its stdout and stderr in log_dir/name.log."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        popen = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    return Process(name, popen, log_path)


def start_redis(log_dir: Path, *extra: str, port: int | None = None,
                password: str | None = None) -> tuple[Process, str]:
    """A private redis-server (on a free port unless given); returns it and its URL."""
    port = port or free_port()
    if password:
        extra = (*extra, "--requirepass", password)
    data = log_dir / f"redis-{port}"
    data.mkdir(parents=True, exist_ok=True)
    proc = start(f"redis-{port}", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--dir", str(data), *extra], log_dir)
    url = f"redis://:{password}@127.0.0.1:{port}/0" if password else f"redis://127.0.0.1:{port}/0"

    wait_until(lambda: redis_answers(url), "redis-server answering PING", 20, proc)
    return proc, url


def redis_answers(url: str) -> bool:
    """Whether a Redis at this URL answers PING now."""
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def descendants(pid: int) -> list[int]:
    """Every process below pid now: its children, theirs, and so on."""
    table = subprocess.run(["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: defaultdict[int, list[int]] = defaultdict(list)
    for line in table.splitlines():
        child, parent = map(int, line.split())
        children[parent].append(child)
    found, todo = [], [pid]
    while todo:
        for child in children[todo.pop()]:
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def kill_leftovers(pids: list[int]) -> list[int]:
    """SIGKILL whichever of these processes still run; returns them, so a test can fail on them."""
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


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
                queues: tuple[str, ...] = (), **bot_env: str) -> Stack:
    """Start a worker (serving queues, default all) and a bot, and wait until its models are warm and the bot
    takes updates.

    Metrics ports are off unless shared_env (for both processes) sets them: stacks must not fight over ports.
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
    worker = start(f"{name}-worker", [*PIPEGRAM, "worker", "--name", f"{name}@test", *served], log_dir, env)
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
