"""A text-queue fleet for fault tests: one bot, several workers on a Redis of its own, machines that die."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.e2e.conftest import Stack, start_stack
from tests.processes import PIPEGRAM, Process, descendants, kill_leftovers, start, start_redis, wait_until

# Answers of 300 tokens: long enough to kill a worker at a chosen point of the job.
CHAT_300 = 'base = "tiny"\n[chat.generate]\nmax_new_tokens = 300\nmin_new_tokens = 300\n'
TEXT_SKILLS_WARM = "skill chat warm in"
FULL_MESSAGE = 4000


@dataclass
class Fleet:
    """A stack serving only the text queue, plus the workers started beside its own."""

    stack: Stack
    log_dir: Path
    workers: list[Process] = field(default_factory=list)
    started: int = 0

    def add_worker(self) -> Process:
        """Start one more text worker (not waiting for it to warm up)."""
        self.started += 1
        name = f"{self.stack.worker.name.rsplit('-', 1)[0]}-w{self.started}"
        worker = start(name, [*PIPEGRAM, "worker", "--queues", "text", "--name", f"w{self.started}@test"],
                       self.log_dir, self.stack.env)
        self.workers.append(worker)
        return worker

    def live(self) -> list[Process]:
        return [w for w in [self.stack.worker, *self.workers] if w.popen.poll() is None]

    def warm(self) -> list[Process]:
        return [w for w in self.live() if TEXT_SKILLS_WARM in w.log()]

    def holder(self, chat: int, attempt: int | None = None) -> Process | None:
        """The live worker whose log shows this chat's job started (that attempt, if given)."""
        pattern = f"chat={chat} started (attempt {attempt})" if attempt else f"chat={chat} started"
        found = [w for w in self.live() if pattern in w.log()]
        return found[-1] if found else None

    def took_jobs_cold(self) -> list[str]:
        """Workers whose log shows a job received before their models were warm (they must hold none then)."""
        cold = []
        for worker in [self.stack.worker, *self.workers]:
            log = worker.log()
            received, warm = log.find("] received"), log.find("models warm: taking jobs")
            if received != -1 and (warm == -1 or received < warm):
                cold.append(worker.name)
        return cold

    def everyone_log(self) -> str:
        return "".join(w.log() for w in [self.stack.worker, *self.workers])

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.stack.stop()


@contextmanager
def text_fleet(name: str, token: str, emulator_url: str, log_dir: Path, cache: Path, env: dict[str, str],
               redis_url: str | None = None, models: str = CHAT_300) -> Iterator[Fleet]:
    """A fleet on a redis-server of its own (or redis_url), stopped with everything it started."""
    redis_proc = None
    if redis_url is None:
        redis_proc, redis_url = start_redis(log_dir)
    config = log_dir / f"{name}-models.toml"
    config.write_text(models)
    try:
        fleet = Fleet(start_stack(name, token, emulator_url, redis_url, log_dir, str(config), cache,
                                  {"PIPEGRAM_TORCH_THREADS": "1", **env}, queues=("text",)), log_dir)
        try:
            yield fleet
        finally:
            fleet.stop()
    finally:
        if redis_proc is not None:
            redis_proc.stop()


def kill_machine(worker: Process) -> None:
    """SIGKILL a worker's main process and then its pool child, as when its machine dies: nobody reports."""
    family = descendants(worker.popen.pid)
    os.kill(worker.popen.pid, signal.SIGKILL)
    kill_leftovers(family)
    worker.popen.wait()


def first_text(item: dict) -> str:
    return item["edits"][0] if item["edits"] else item["message"].get("text", "")


def answers(stack: Stack, chat: int) -> list[dict]:
    """What the chat shows of the bot's messages apart from its "queued" status messages (none it deleted)."""
    return [item for item in stack.client.sent(chat) if not first_text(item).startswith("⏳") and not item["deleted"]]


def orphaned_status(stack: Stack, chat: int) -> list[dict]:
    """Status messages ("⏳ Queued", "⚙️ Working…") that are still in the chat."""
    return [item for item in stack.client.sent(chat) if first_text(item).startswith("⏳") and not item["deleted"]]


def one_reply(stack: Stack, chat: int, asked: int) -> bool:
    """The chat holds exactly one reply to the question: one message quoting it, first, and every message but the
    last full (a long reply is cut at Telegram's 4,096 characters; a repeated part would show as a short one)."""
    sent = answers(stack, chat)
    quoting = [m for m in sent if m.get("reply_to_message_id") == asked]
    return len(quoting) == 1 and sent[0] is quoting[0] and \
        all(len(m["message"].get("text", "")) >= FULL_MESSAGE for m in sent[:-1])


def wait_for_answer(stack: Stack, chat: int, timeout: float) -> float:
    """Wait for the chat's first answer; returns when it was seen (time.monotonic())."""
    wait_until(lambda: answers(stack, chat), f"an answer in chat {chat}", timeout)
    return time.monotonic()


def job_seconds(log: str, chat: int) -> float:
    """How long a chat's job ran, from the worker's "answered in X s" line."""
    found = re.search(rf"chat={chat} answered in ([\d.]+) s", log)
    assert found, f"no answer logged for chat {chat}"
    return float(found.group(1))


def started_at(log: str, chat: int, attempt: int) -> float:
    """When (epoch seconds) a worker's log shows that attempt of the chat's job starting."""
    found = re.search(rf"^(\S+ \S+) INFO .* chat={chat} started \(attempt {attempt}\)", log, re.MULTILINE)
    assert found, f"no attempt {attempt} logged for chat {chat}"
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
