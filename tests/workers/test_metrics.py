"""A worker's /metrics keeps what a killed pool child counted, and /healthz follows the child's life."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Iterator

import httpx
import pytest
import redis

from shared.status import announce_worker
from tests.processes import free_port, start_redis
from workers import metrics


@pytest.fixture(scope="module")
def r(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    proc, url = start_redis(tmp_path_factory.mktemp("metrics-redis"))
    yield redis.Redis.from_url(url)
    proc.stop()


def count(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start))


def _count_a_job_and_die() -> None:
    metrics.job_done("detect", "failed", 0.5, 2.0)
    os.kill(os.getpid(), signal.SIGKILL)  # like Celery killing a child past its hard time limit


def test_counts_survive_a_pool_child_killed_mid_life() -> None:
    before = count(metrics.render().decode(), 'pipegram_jobs_total{outcome="failed",skill="detect"}')
    child = multiprocessing.get_context("fork").Process(target=_count_a_job_and_die)
    child.start()
    child.join(30)
    assert child.exitcode == -signal.SIGKILL
    text = metrics.render().decode()
    assert count(text, 'pipegram_jobs_total{outcome="failed",skill="detect"}') == before + 1
    assert count(text, 'pipegram_job_run_seconds_count{skill="detect"}') >= 1


def test_healthz_is_200_while_a_warm_process_of_the_node_lives(r: redis.Redis) -> None:
    announce_worker(r, json.dumps({"node": "healthy@test", "pid": os.getpid(), "skills": ["chat"]}), 60)
    port = free_port()
    server = metrics.serve("127.0.0.1", port, r, "healthy@test")
    assert server is not None
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert response.status_code == 200 and response.json() == {"ok": True, "redis": True, "skills": ["chat"]}
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").text.startswith("# HELP")
    finally:
        server.shutdown()


def test_healthz_is_503_when_the_child_is_gone_or_redis_is(r: redis.Redis) -> None:
    dead = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
    dead.start()
    dead.join()
    announce_worker(r, json.dumps({"node": "orphan@test", "pid": dead.pid, "skills": ["chat"]}), 60)
    assert metrics.health(r, "orphan@test") == (False, {"ok": False, "redis": True, "skills": []})
    gone = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    ok, body = metrics.health(gone, "healthy@test")
    assert not ok and body["redis"] is False
