"""Losing a worker machine: its job comes back through the lease within a minute, answered exactly once."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tests.fleet import answers, job_seconds, kill_machine, orphaned_status, text_fleet, wait_for_answer
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

# Shortened so ten kills fit in a few minutes; the defaults (30 s + 5 s) are checked in tests/workers/test_leases.py.
LEASE = {"PIPEGRAM_LEASE_S": "9", "PIPEGRAM_LEASE_RENEW_S": "3", "PIPEGRAM_STATUS_AFTER_S": "0"}
KILLS = 10
BOUND_S = 60
# Jobs of a few seconds, so that a kill at a random point lands inside one.
CHAT_1000 = 'base = "tiny"\n[chat.generate]\nmax_new_tokens = 1000\nmin_new_tokens = 1000\n'


def test_a_worker_machine_killed_mid_job_ten_times_each_job_answered_once_by_another_within_a_minute(
        emulator_url: str, log_dir: Path, models_cache: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    # Most kills at a random point of the job; two right as its answer reaches Telegram (before the ack: the
    # redelivery must see the reply claim, and remove the status message).
    modes = ["random"] * (KILLS - 2) + ["on_reply"] * 2
    rng.shuffle(modes)
    delays: list[tuple[str, float]] = []
    with text_fleet("nodeloss", "777001:nodeloss-token", emulator_url, log_dir, models_cache, LEASE,
                    models=CHAT_1000) as fleet:
        fleet.add_worker()
        fleet.add_worker()
        wait_until(lambda: len(fleet.warm()) == 3, "three warm workers", 300)
        fleet.stack.client.send_text("how long does a job take?", user_id=9700)
        wait_for_answer(fleet.stack, 9700, 120)
        wait_until(lambda: "chat=9700 answered" in fleet.everyone_log(), "the calibration logged", 10)
        job_s = job_seconds(fleet.everyone_log(), 9700)
        for n, mode in enumerate(modes, start=1):
            chat = 9700 + n
            wait_until(lambda: len(fleet.warm()) >= 2, "two warm workers", 300)
            fleet.stack.client.send_text(f"question number {n}", user_id=chat)
            wait_until(lambda c=chat: fleet.holder(c, 1), f"chat {chat}'s job starting", 60)
            holder = fleet.holder(chat, 1)
            assert holder is not None
            if mode == "random":
                time.sleep(rng.uniform(0, 0.9 * job_s))
            else:
                wait_for_answer(fleet.stack, chat, 120)
            killed_at = time.monotonic()
            kill_machine(holder)
            fleet.add_worker()  # the autoscaler's replacement, warming while the others cover
            if answers(fleet.stack, chat):
                delays.append((f"{mode}, answered before the kill", 0.0))
                continue
            answered_at = wait_for_answer(fleet.stack, chat, BOUND_S + 30)
            delays.append((mode, answered_at - killed_at))
            assert fleet.holder(chat, 2) is not None, "the job was not redone by another worker"
            wait_until(lambda c=chat: f"chat={c} answered" in fleet.everyone_log(), "the redo logged", 10)
            job_s = job_seconds(fleet.everyone_log(), chat)
        last_answer = time.monotonic()
        report = "\n".join(f"kill {n}: {mode}: answered {delay:.1f} s after the kill"
                           for n, (mode, delay) in enumerate(delays, start=1))
        worst = max(delay for _, delay in delays)
        (log_dir / "node-loss-delays.txt").write_text(f"seed {seed}, job {job_s:.1f} s, lease 9 s + 3 s\n"
                                                      f"{report}\nworst {worst:.1f} s\n")
        print(f"\nnode loss (seed {seed}, job {job_s:.1f} s):\n{report}\nworst delay {worst:.1f} s")
        time.sleep(max(0.0, 30 - (time.monotonic() - last_answer)))  # room for a late duplicate
        for chat in range(9701, 9701 + KILLS):
            assert len(answers(fleet.stack, chat)) == 1, f"chat {chat} was not answered exactly once"
            assert not orphaned_status(fleet.stack, chat), f"chat {chat} kept a status message"
        assert worst < BOUND_S, report
