"""Scale-in: a SIGTERMed worker takes no new job, finishes or hands back its own within the grace, and exits."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fleet import Fleet, answers, one_reply, orphaned_status, started_at, text_fleet, wait_for_answer
from tests.processes import Process, wait_until

pytestmark = pytest.mark.e2e

GRACE_S = 8  # the soft shutdown gets 3 s of it; the rest is for handing back and exiting
# Leases far longer than the test: a job that starts again within seconds was handed back, not restored by its lease.
ENV = {"PIPEGRAM_SHUTDOWN_GRACE_S": str(GRACE_S), "PIPEGRAM_STATUS_AFTER_S": "0", "PIPEGRAM_LEASE_S": "120",
       "PIPEGRAM_LEASE_RENEW_S": "5"}
REDONE_WITHIN_S = 10
GROUP = -9801
# Long chat answers from the slower model (about 1 s per 100 tokens on an idle machine) run past the grace: 2,400
# tokens where the SIGTERM waits for the answer to show in a group (its first edit can take 6 s), 800 where it goes
# 0.5 s in. Summaries take about a second. Text runs on the node's batched (threads-pool) process, as by default.
LONG_CHAT = ('base = "tiny"\n[chat]\nmodel = "{model}"\n'
             '[chat.generate]\nmax_new_tokens = {tokens}\nmin_new_tokens = {tokens}\n')


def stop_within_grace(worker: Process, began: float | None = None) -> float:
    """SIGTERM (unless sent at `began`), as compose and Kubernetes send it; returns how long the worker took to exit."""
    if began is None:
        began = time.monotonic()
        worker.popen.send_signal(signal.SIGTERM)
    try:
        worker.popen.wait(GRACE_S * 3)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{worker.name} still runs {GRACE_S * 3} s after SIGTERM:\n{worker.tail()}")
    return time.monotonic() - began


@dataclass
class Stopped:
    """A long answer whose worker was SIGTERMed while writing it."""

    asked: int  # the question's message id
    worker: Process
    took: float  # SIGTERM to exit, seconds
    exited: float  # epoch seconds
    shown: list[int]  # the messages showing the answer when the SIGTERM went (in a group)


def sigterm_mid_long_answer(fleet: Fleet, chat: int, meanwhile: Callable[[], None] = lambda: None) -> Stopped:
    """Ask for a long answer, SIGTERM its worker 0.5 s in (in a group, once the answer shows), run `meanwhile`, and
    wait for that worker to exit."""
    question = "tell me a very long story"
    if chat < 0:
        question = f"@{fleet.stack.client.state()['bot']['username']} {question}"
    asked = fleet.stack.client.send_text(question, chat_id=chat, user_id=abs(chat))["message_id"]
    wait_until(lambda: fleet.holder(chat, 1), "the long job starting", 60)
    worker = fleet.holder(chat, 1)
    assert worker is not None
    time.sleep(0.5)
    if chat < 0:
        wait_until(lambda: answers(fleet.stack, chat), "the answer showing in the group", 30)
    shown = [item["message"]["message_id"] for item in answers(fleet.stack, chat)]
    began = time.monotonic()
    worker.popen.send_signal(signal.SIGTERM)
    meanwhile()
    took = stop_within_grace(worker, began)
    return Stopped(asked, worker, took, time.time(), shown)


def two_warm_workers(fleet: Fleet) -> None:
    fleet.add_worker()
    wait_until(lambda: len(fleet.warm()) == 2, "two warm workers", 300)


@pytest.mark.timeout(900)
def test_sigterm_mid_job_hands_a_long_job_to_another_worker_and_finishes_a_short_one(
        emulator_url: str, log_dir: Path, models_cache: Path, slower_chat: Path) -> None:
    with text_fleet("scalein", "777002:scalein-token", emulator_url, log_dir, models_cache, ENV,
                    models=LONG_CHAT.format(model=slower_chat, tokens=2400)) as fleet:
        two_warm_workers(fleet)
        # A job far longer than the grace, in a group where its answer shows as it is written: handed back when the
        # soft phase ends (the half-written message deleted), redone elsewhere at once.
        asked: dict[int, int] = {}

        def ask_meanwhile() -> None:
            asked[9802] = fleet.stack.client.send_text("/summarize this arrives while the worker stops",
                                                       user_id=9802)["message_id"]

        stopped = sigterm_mid_long_answer(fleet, GROUP, ask_meanwhile)
        asked[GROUP] = stopped.asked
        assert f"chat={GROUP} answered" not in stopped.worker.log()
        deleted = {item["message"]["message_id"] for item in fleet.stack.client.sent(GROUP) if item["deleted"]}
        assert stopped.shown and set(stopped.shown) <= deleted, "the half-written answer is still in the group"
        [other] = fleet.live()
        wait_for_answer(fleet.stack, 9802, 120)
        wait_until(lambda: f"chat={GROUP} answered" in other.log(), "the redone answer", 300)
        assert "chat=9802 started" not in stopped.worker.log(), "the stopping worker took a new job"
        assert f"chat={GROUP} handed back" in stopped.worker.log()
        # Redone as its first attempt (a hand-back is not counted against the job), at once, not by its lease.
        assert started_at(other.log(), GROUP, 1) - stopped.exited < REDONE_WITHIN_S
        assert stopped.worker.log().count(f"chat={GROUP} started") == 1, "the stopping worker took its job back"

        # A short job: finished within the soft phase (or, if that raced, redone), answered once either way.
        two_warm_workers(fleet)
        asked[9803] = fleet.stack.client.send_text("/summarize a short text that needs only a moment of work",
                                                   user_id=9803)["message_id"]
        wait_until(lambda: fleet.holder(9803, 1), "the short job starting", 60)
        short_holder = fleet.holder(9803, 1)
        assert short_holder is not None
        took_short = stop_within_grace(short_holder)
        wait_for_answer(fleet.stack, 9803, 120)
        assert "chat=9803 answered" in short_holder.log(), "the short job was not finished in the grace"

        fleet.stack.client.sent(min_count=99, wait=5)  # room for a duplicate
        for chat, question in asked.items():
            assert one_reply(fleet.stack, chat, question), f"chat {chat} did not get exactly one reply"
            assert not orphaned_status(fleet.stack, chat), f"chat {chat} kept a status message"
        print(f"\nscale-in: exited {stopped.took:.1f} s after SIGTERM with a long job, {took_short:.1f} s with a "
              f"short one (grace {GRACE_S} s)")
        assert stopped.took <= GRACE_S and took_short <= GRACE_S


@pytest.mark.timeout(600)
def test_a_prefork_process_sigtermed_mid_job_hands_it_back_too(
        emulator_url: str, log_dir: Path, models_cache: Path, slower_chat: Path) -> None:
    """Chat on the prefork process (`[chat] batch_size = 1`, as speech always is): Celery stops the pool child."""
    models = LONG_CHAT.format(model=slower_chat, tokens=800).replace("[chat]\n", "[chat]\nbatch_size = 1\n")
    with text_fleet("scalein-prefork", "777003:scalein-prefork-token", emulator_url, log_dir, models_cache, ENV,
                    models=models) as fleet:
        two_warm_workers(fleet)
        stopped = sigterm_mid_long_answer(fleet, 9811)
        assert "ForkPoolWorker" in stopped.worker.log()
        [other] = fleet.live()
        wait_for_answer(fleet.stack, 9811, 300)
        assert "chat=9811 answered" not in stopped.worker.log()
        assert started_at(other.log(), 9811, 2) - stopped.exited < REDONE_WITHIN_S  # the killed child's attempt counts
        fleet.stack.client.sent(min_count=99, wait=5)  # room for a duplicate
        assert one_reply(fleet.stack, 9811, stopped.asked) and not orphaned_status(fleet.stack, 9811)
        print(f"\nscale-in, prefork: exited {stopped.took:.1f} s after SIGTERM with a long job (grace {GRACE_S} s)")
        assert stopped.took <= GRACE_S
