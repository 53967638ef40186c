"""Jobs on a batched worker share model calls, a bad input fails alone, and one stuck call does not hold its jobs
past their time limit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from workers.batching import Batcher
from workers.models import ModelSpec
from workers.runner import Warm


def test_jobs_that_arrive_together_share_one_call_and_each_gets_its_own_output() -> None:
    calls: list[list[int]] = []
    batcher = Batcher("double", lambda batch: calls.append(batch) or [n * 2 for n in batch], 8, 0.2)
    with ThreadPoolExecutor(5) as pool:
        assert list(pool.map(batcher.run, range(5))) == [0, 2, 4, 6, 8]
    assert sorted(n for batch in calls for n in batch) == list(range(5)) and len(calls) < 5


def test_a_job_stops_waiting_at_its_time_limit_and_the_skill_goes_on_serving() -> None:
    release = threading.Event()

    def forward(batch: list[Any]) -> list[Any]:
        if "stuck" in batch:
            release.wait(10)
        return [f"{item}!" for item in batch]

    skill: Any = type("Skill", (), {})()
    warm = Warm(skill, ModelSpec("tiny", time_limit=1), None, Batcher("slow", forward, 1, 0.0))
    began = time.monotonic()
    with pytest.raises(SoftTimeLimitExceeded):
        warm.run("stuck")
    assert time.monotonic() - began < 5
    release.set()
    assert warm.run("next") == "next!"


def test_jobs_arriving_together_share_a_call_and_a_bad_input_fails_alone() -> None:
    calls: list[list[int]] = []

    def forward(batch: list[int]) -> list[int]:
        calls.append(batch)
        if 13 in batch:
            raise ValueError("unlucky input")
        return [n * 2 for n in batch]

    batcher = Batcher("test", forward, max_size=8, window_s=0.5)
    results: dict[int, object] = {}

    def run(n: int) -> None:
        try:
            results[n] = batcher.run(n, timeout=30)
        except ValueError as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2, 13, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(calls[0]) > 1  # they arrived within the window: one call
    assert {n: results[n] for n in (1, 2, 4)} == {1: 2, 2: 4, 4: 8}
    assert isinstance(results[13], ValueError)
