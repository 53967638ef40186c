"""Fault tests with real processes: every accepted message gets exactly one answer, whatever fails."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack, start_stack
from tests.processes import Process, start_redis, wait_until

pytestmark = pytest.mark.e2e

AOF = ("--appendonly", "yes", "--appendfsync", "everysec")


@pytest.fixture(scope="module")
def faulty(emulator_url: str, log_dir: Path, models_cache: Path, tmp_path_factory) -> Iterator[tuple[Stack, list]]:
    """A stack on its own AOF Redis, with answers long enough (300 tokens) to kill a worker mid-job."""
    redis_proc, url = start_redis(log_dir, *AOF)
    config = tmp_path_factory.mktemp("faults") / "models.toml"
    config.write_text('base = "tiny"\n[chat.generate]\nmax_new_tokens = 300\nmin_new_tokens = 300\n')
    stack = start_stack("faults", "555555:fault-token", emulator_url, url, log_dir, str(config), models_cache)
    holder = [redis_proc]
    yield stack, holder
    stack.stop()
    holder[0].stop()


def pool_child(worker: Process) -> int:
    """The pid of the worker's single prefork child."""
    pid = worker.popen.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def answers(stack: Stack, chat: int, after: int) -> list[dict]:
    """Everything the bot sent to a chat after a message, waiting a moment for late duplicates."""
    return stack.client.sent(chat, after=after, min_count=99, wait=1.5)


def test_sigkill_mid_job_five_times_every_job_answered_once(faulty: tuple[Stack, list]) -> None:
    stack, _ = faulty
    for n in range(5):
        chat = 9100 + n
        asked = stack.client.send_text(f"question number {n}", user_id=chat)
        wait_until(lambda c=chat: f"chat={c} started (attempt 1)" in stack.worker.log(), "the job starting", 60,
                   stack.worker)
        os.kill(pool_child(stack.worker), signal.SIGKILL)
        stack.client.wait_for_replies(chat, after=asked["message_id"], timeout=120)
        assert f"chat={chat} started (attempt 2)" in stack.worker.log()
    for n in range(5):
        chat = 9100 + n
        assert len(answers(stack, chat, 0)) == 1, f"chat {chat} was not answered exactly once"


def test_redis_killed_and_restarted_with_jobs_queued(faulty: tuple[Stack, list], log_dir: Path) -> None:
    stack, holder = faulty
    busy = stack.client.send_text("keep the worker busy", user_id=9200)
    wait_until(lambda: "chat=9200 started" in stack.worker.log(), "the busy job starting", 60, stack.worker)
    chats = [9201, 9202, 9203]
    for chat in chats:
        stack.client.send_text(f"queued while busy {chat}", user_id=chat)
    wait_until(lambda: all(f"chat={c}" in stack.bot.log() for c in chats), "the bot queueing all three", 30)
    time.sleep(1.5)  # appendfsync everysec: the documented loss window is about one second
    port = int(stack.redis_url.rsplit(":", 1)[1].split("/")[0])
    holder[0].popen.send_signal(signal.SIGKILL)
    holder[0].popen.wait()
    holder[0], _ = start_redis(log_dir, *AOF, port=port)

    after_restart = stack.client.send_text("sent after the restart", user_id=9204)
    for chat, after in [(9200, busy["message_id"]), *((c, 0) for c in chats), (9204, after_restart["message_id"])]:
        stack.client.wait_for_replies(chat, after=after, timeout=120)
    for chat in [9200, *chats, 9204]:
        assert len(answers(stack, chat, 0)) == 1, f"chat {chat} was not answered exactly once"
