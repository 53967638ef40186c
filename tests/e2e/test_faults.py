"""Fault tests with real processes: every accepted message gets exactly one answer, whatever fails."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from bot import texts
from tests.e2e.conftest import Stack, stack_with_models, start_stack
from tests.processes import Process, start_redis, wait_until
from workers.texts import TOO_SLOW

pytestmark = pytest.mark.e2e

AOF = ("--appendonly", "yes", "--appendfsync", "everysec")
PASSWORD = "redis-pass-1234"


@pytest.fixture(scope="module")
def faulty(emulator_url: str, log_dir: Path, models_cache: Path, tmp_path_factory) -> Iterator[tuple[Stack, list]]:
    """A stack on its own AOF Redis with a password, with answers long enough (300 tokens) to kill a worker."""
    redis_proc, url = start_redis(log_dir, *AOF, password=PASSWORD)
    config = tmp_path_factory.mktemp("faults") / "models.toml"
    # batch_size 1: chat on the prefork worker, whose pool child these tests kill (a batching worker has none).
    config.write_text('base = "tiny"\n[chat]\nbatch_size = 1\n[chat.generate]\nmax_new_tokens = 300\n'
                      'min_new_tokens = 300\n')
    stack = start_stack("faults", "555555:fault-token", emulator_url, url, log_dir, str(config), models_cache)
    holder = [redis_proc]
    yield stack, holder
    stack.stop()
    holder[0].stop()


def pool_child(worker: Process) -> int:
    """The pid of the worker's single prefork child (a fork: same command line; the batched sibling differs)."""
    pid = worker.popen.pid
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                if Path(f"/proc/{child}/cmdline").read_bytes() == command]
    assert len(children) == 1, children
    return children[0]


def answers(stack: Stack, chat: int, after: int) -> list[dict]:
    """Everything the bot sent to a chat after a message, waiting a moment for late duplicates."""
    return stack.client.sent(chat, after=after, min_count=99, wait=1.5)


@pytest.mark.timeout(900)  # five reloads of every skill in the pool child: minutes on a loaded machine
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
    holder[0], _ = start_redis(log_dir, *AOF, port=port, password=PASSWORD)

    after_restart = stack.client.send_text("sent after the restart", user_id=9204)
    for chat, after in [(9200, busy["message_id"]), *((c, 0) for c in chats), (9204, after_restart["message_id"])]:
        stack.client.wait_for_replies(chat, after=after, timeout=120)
    for chat in [9200, *chats, 9204]:
        assert len(answers(stack, chat, 0)) == 1, f"chat {chat} was not answered exactly once"


def test_too_many_waiting_jobs_are_refused_and_cancel_drops_the_rest(faulty: tuple[Stack, list]) -> None:
    stack, user = faulty[0], 9400
    asked = [stack.client.send_text(f"request {n}", user_id=user)["message_id"] for n in range(7)]
    replies = stack.client.wait_for_replies(user, after=asked[-1], timeout=60)
    assert replies[0]["message"]["text"] == texts.TOO_MANY_WAITING.format(count=5)
    assert replies[0]["reply_to_message_id"] == asked[-1]
    cancel = stack.client.send_text("/cancel", user_id=user)

    def cancel_reply() -> list[str]:
        return [item["message"]["text"] for item in stack.client.sent(user, after=cancel["message_id"])
                if item["message"].get("text", "").startswith("🛑 Cancelled")]

    wait_until(cancel_reply, "the answer to /cancel", 60)
    count = int(cancel_reply()[0].split("Cancelled ")[1].split()[0])
    assert 3 <= count <= 5

    def answered() -> set[int]:
        return {item["reply_to_message_id"] for item in stack.client.sent(user)} - {asked[-1], None}

    wait_until(lambda: len(answered()) >= 6 - count, "the jobs that were not cancelled answering", 60)
    stack.client.sent(user, min_count=99, wait=2.0)  # time for a wrongly kept job to answer too
    assert len(answered()) + count == 6, (answered(), count)
    assert stack.worker.log().count("was cancelled by the user") >= count


def test_a_pickled_message_on_a_queue_is_refused_not_run(stack: Stack, tmp_path: Path) -> None:
    marker = tmp_path / "pickle-ran"
    attacker = Celery("attacker", broker=stack.redis_url)
    attacker.conf.update(task_serializer="pickle", accept_content=["pickle"])
    attacker.send_task("pipegram.chat", args=[RunsCode(f"touch {marker}")], queue="text",
                       exchange="text", routing_key="text")
    wait_until(lambda: "pickle" in stack.worker.log().lower(), "the worker refusing the pickle", 30, stack.worker)
    asked = stack.client.send_text("are you still there?", user_id=9500)
    stack.client.wait_for_replies(9500, after=asked["message_id"], timeout=60)
    assert not marker.exists()


class RunsCode:
    """What an attacker who can write to Redis would send if pickle were accepted."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple:
        return os.system, (self.command,)


@pytest.fixture(scope="module")
def slow(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """A chat skill whose answers take far longer than its 2-second time limit."""
    stack = stack_with_models("slow", "666666:slow-token", "[chat]\ntime_limit = 2\nbatch_size = 1\n[chat.generate]\n"
                              "max_new_tokens = 3000\nmin_new_tokens = 3000\n", 4, emulator_url, redis_url, log_dir,
                              models_cache)
    yield stack
    stack.stop()


def test_a_job_over_its_time_limit_is_stopped_and_the_worker_goes_on(slow: Stack) -> None:
    child = pool_child(slow.worker)
    for user in (9600, 9601):
        asked = slow.client.send_text("tell me a very long story", user_id=user)
        [reply] = slow.client.wait_for_replies(user, after=asked["message_id"], timeout=60)
        assert reply["message"]["text"] == TOO_SLOW
    assert pool_child(slow.worker) == child  # the soft limit stops the job, not the process
    assert slow.worker.log().count("hit its time limit") == 2
