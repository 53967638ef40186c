"""Scaling out: two worker processes share one queue, and concurrent embedding jobs share model calls."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.jobs import Job
from tests.e2e.conftest import Stack, stack_with_models
from tests.processes import PIPEGRAM, start, wait_until
from workers.models import ModelSpec, load_pipeline
from workers.skills import similar

pytestmark = pytest.mark.e2e

BATCH_CALL = re.compile(r"similar: one model call for (\d+) jobs")


@pytest.fixture(scope="module")
def scaled(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """A stack whose chat answers take a while and whose similarity batches wait up to 300 ms for company."""
    stack = stack_with_models("scale", "888888:scale-token", "[chat.generate]\nmax_new_tokens = 200\n"
                              "min_new_tokens = 200\n[similar]\nbatch_size = 32\nbatch_window_ms = 300\n", 5,
                              emulator_url, redis_url, log_dir, models_cache)
    yield stack
    stack.stop()


def test_a_second_worker_on_the_same_redis_takes_a_share_of_the_jobs(scaled: Stack, log_dir: Path) -> None:
    second = start("scale-worker-2", [*PIPEGRAM, "worker", "--queues", "text", "--name", "second@test"], log_dir,
                   scaled.env)
    try:
        # Taking jobs, not only warm: a batching (threads-pool) worker loads its models before it consumes.
        wait_until(lambda: "second@test ready" in second.log(), "the second worker taking jobs", 120, second)
        users = range(8100, 8108)
        asked = {user: scaled.client.send_text(f"question {user}", user_id=user)["message_id"] for user in users}
        for user in users:
            scaled.client.wait_for_replies(user, after=asked[user], timeout=120)
        wait_until(lambda: all(f"chat={u} answered" in scaled.worker.log() + second.log() for u in users),
                   "both workers logging their answers", 10)
        first_log, second_log = scaled.worker.log(), second.log()
        served_by = [("first" if f"chat={u} answered" in first_log else "") +
                     ("second" if f"chat={u} answered" in second_log else "") for u in users]
    finally:
        second.stop()
    assert set(served_by) == {"first", "second"}, served_by  # both served, and no job by both


def test_concurrent_embedding_jobs_share_model_calls_and_each_chat_gets_its_own_answer(
        scaled: Stack, models_cache: Path) -> None:
    model = load_pipeline(similar.TASK, similar.TINY_MODEL, ModelSpec("tiny"), models_cache, similar.load)
    pairs = {8200 + n: (f"the cat number {n} sat down", f"a dog ran {n} times today") for n in range(20)}
    expected = {user: similar.postprocess(similar.forward(model, [list(pair)], ModelSpec("tiny"))[0],
                                          Job(skill="similar", chat_id=user, user_id=user, message_id=0),
                                          None).text  # type: ignore[arg-type]
                for user, pair in pairs.items()}
    calls_before = len(BATCH_CALL.findall(scaled.worker.log()))
    asked = {user: scaled.client.send_text(f"/similar {a} | {b}", user_id=user)["message_id"]
             for user, (a, b) in pairs.items()}
    for user in pairs:
        [reply] = scaled.client.wait_for_replies(user, after=asked[user], timeout=60)
        assert reply["message"]["text"] == expected[user]
    sizes = [int(n) for n in BATCH_CALL.findall(scaled.worker.log())[calls_before:]]
    assert sum(sizes) == 20 and len(sizes) < 20, sizes
