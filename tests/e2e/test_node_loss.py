"""Losing a worker machine: its job comes back through the lease within a minute, answered exactly once."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from tests.fleet import Fleet, answers, job_seconds, kill_machine, one_reply, orphaned_status, started_at, text_fleet
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

# Shortened so ten kills fit in a few minutes; the defaults (30 s + 5 s) are checked in tests/workers/test_leases.py.
LEASE = {"PIPEGRAM_LEASE_S": "9", "PIPEGRAM_LEASE_RENEW_S": "3", "PIPEGRAM_STATUS_AFTER_S": "0"}
KILLS = 10
BOUND_S = 60
# Answers of two messages (about 4,200 characters; Telegram takes 4,096 a message), sent a second apart (the
# per-chat send rate): a kill can land between them.
CHAT_700 = 'base = "tiny"\n[chat.generate]\nmax_new_tokens = 700\nmin_new_tokens = 700\n'


def done(fleet: Fleet, chat: int) -> bool:
    """Whether some worker finished this chat's job: answered it, or found its answer already out."""
    log = fleet.everyone_log()
    job = re.search(rf"job (\w+) skill=chat chat={chat} started", log)
    return f"chat={chat} answered" in log or bool(job and f"job {job.group(1)} (chat) was already answered" in log)


def redo_started(fleet: Fleet, chat: int) -> float:
    """When (epoch seconds) the second attempt of the chat's job started, from its worker's log line."""
    return started_at(fleet.everyone_log(), chat, 2)


@pytest.mark.timeout(900)
def test_a_worker_machine_killed_mid_job_ten_times_each_job_answered_once_by_another_within_a_minute(
        emulator_url: str, log_dir: Path, models_cache: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    # Most kills at a random point of the job; two between the messages of its answer; two right after its last
    # message (before the ack: the redelivery must find the reply claim, and remove the status message).
    modes = ["random"] * (KILLS - 4) + ["mid_reply"] * 2 + ["after_reply"] * 2
    rng.shuffle(modes)
    delays: list[tuple[str, float, float]] = []
    asked: dict[int, int] = {}
    with text_fleet("nodeloss", "777001:nodeloss-token", emulator_url, log_dir, models_cache, LEASE,
                    models=CHAT_700) as fleet:
        fleet.add_worker()
        fleet.add_worker()
        wait_until(lambda: len(fleet.warm()) == 3, "three warm workers", 300)
        fleet.stack.client.send_text("how long does a job take?", user_id=9700)
        wait_until(lambda: done(fleet, 9700), "the calibration job", 120)
        job_s = job_seconds(fleet.everyone_log(), 9700)
        for n, mode in enumerate(modes, start=1):
            chat = 9700 + n
            wait_until(lambda: len(fleet.warm()) >= 2, "two warm workers", 300)
            asked[chat] = fleet.stack.client.send_text(f"question number {n}", user_id=chat)["message_id"]
            wait_until(lambda c=chat: fleet.holder(c, 1), f"chat {chat}'s job starting", 60)
            holder = fleet.holder(chat, 1)
            assert holder is not None
            if mode == "random":
                time.sleep(rng.uniform(0, 0.9 * job_s))
            else:
                out = 1 if mode == "mid_reply" else 2
                wait_until(lambda c=chat, k=out: len(answers(fleet.stack, c)) >= k, f"message {out} out", 120)
            killed_at, killed_clock = time.monotonic(), time.time()
            kill_machine(holder)
            fleet.add_worker()  # the autoscaler's replacement, warming while the others cover
            if done(fleet, chat):
                delays.append((f"{mode}, finished before the kill", 0.0, 0.0))
                continue
            wait_until(lambda c=chat: done(fleet, c), f"chat {chat} answered after the kill", BOUND_S + 60)
            assert fleet.holder(chat, 2) is not None, "the job was not redone by another worker"
            delays.append((mode, redo_started(fleet, chat) - killed_clock, time.monotonic() - killed_at))
            if f"chat={chat} answered" in fleet.everyone_log():
                job_s = job_seconds(fleet.everyone_log(), chat)
        last_answer = time.monotonic()
        report = "\n".join(f"kill {n}: {mode}: redo started {started:.1f} s and done {delay:.1f} s after the kill"
                           for n, (mode, started, delay) in enumerate(delays, start=1))
        worst = max(delay for _, _, delay in delays)
        (log_dir / "node-loss-delays.txt").write_text(f"seed {seed}, lease 9 s + 3 s\n{report}\nworst {worst:.1f} s\n")
        print(f"\nnode loss (seed {seed}):\n{report}\nworst delay {worst:.1f} s")
        time.sleep(max(0.0, 30 - (time.monotonic() - last_answer)))  # room for a late duplicate
        for chat, question in asked.items():
            assert one_reply(fleet.stack, chat, question), f"chat {chat} did not get exactly one reply"
            assert not orphaned_status(fleet.stack, chat), f"chat {chat} kept a status message"
        assert worst < BOUND_S, report
        assert not fleet.took_jobs_cold(), "a worker took a job while its models were loading"


@pytest.mark.timeout(900)
def test_a_job_many_leases_long_is_answered_once_and_never_handed_to_the_idle_worker(
        emulator_url: str, log_dir: Path, models_cache: Path) -> None:
    lease_s = 2.0
    long_chat = ('base = "tiny"\n[chat]\ntime_limit = 600\n'
                 '[chat.generate]\nmax_new_tokens = 3000\nmin_new_tokens = 3000\n')
    env = {"PIPEGRAM_LEASE_S": str(lease_s), "PIPEGRAM_LEASE_RENEW_S": "0.5"}
    with text_fleet("longjob", "777003:longjob-token", emulator_url, log_dir, models_cache, env,
                    models=long_chat) as fleet:
        fleet.add_worker()
        wait_until(lambda: len(fleet.warm()) == 2, "two warm workers", 300)
        fleet.stack.client.send_text("tell me the longest story you know", user_id=9750)
        wait_until(lambda: "chat=9750 answered" in fleet.everyone_log(), "the long job answered", 600)
        ran = job_seconds(fleet.everyone_log(), 9750)
        fleet.stack.client.sent(9750, min_count=99, wait=2 * lease_s + 2)  # a redelivery would answer by now
        assert fleet.everyone_log().count("chat=9750 started") == 1, "the running job was handed out again"
        quoting = [m for m in answers(fleet.stack, 9750) if m.get("reply_to_message_id")]
        assert len(quoting) == 1, "not exactly one reply"
        print(f"\nlong job: ran {ran:.1f} s under a {lease_s:.0f} s lease, answered once")
        assert ran > 3 * lease_s, f"the job ran only {ran:.1f} s: not long enough to test the lease"
