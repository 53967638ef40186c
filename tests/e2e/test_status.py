"""Operators and users can see what runs: workers, their devices and warm skills, and jobs waiting."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.processes import PIPEGRAM, ROOT, start, wait_until

pytestmark = pytest.mark.e2e


def pipegram_status(redis_url: str, check: bool = True) -> str:
    """The report; with check, it must be a success (exit 0: workers are online)."""
    result = subprocess.run([*PIPEGRAM, "status"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "REDIS_URL": redis_url})
    assert result.returncode == 0 or not check, result.stderr
    return result.stdout


def test_status_shows_the_workers_their_devices_and_warm_skills(stack: Stack) -> None:
    report = pipegram_status(stack.redis_url)
    # One node, three processes: text and embed (batched), speech (prefork), vision (batched).
    assert "Workers online: 3" in report
    threads = max(1, (os.cpu_count() or 1) - 1)  # every core but one
    assert f"on cpu ({threads} thread" in report and ": chat" in report and "similar, find" in report
    assert "Jobs waiting: text 0, speech 0, vision 0, embed 0" in report
    asked = stack.client.send_text("/status", user_id=5300)
    [reply] = stack.client.wait_for_replies(5300, after=asked["message_id"], timeout=30)
    assert reply["message"]["text"].startswith("Workers online: 3")
    assert reply["message"]["text"].endswith("Your requests waiting: 0")


def test_one_worker_process_per_gpu_each_pinned_to_its_own_with_its_thread_count(stack: Stack, log_dir: Path) -> None:
    redis_url = stack.redis_url.rsplit("/", 1)[0] + "/6"
    gpus = start("gpus", [*PIPEGRAM, "worker", "--gpus", "0,1", "--queues", "text", "--threads", "1"], log_dir,
                 {**stack.env, "REDIS_URL": redis_url})
    try:
        host = socket.gethostname()
        wait_until(lambda: all(f"gpu{n}@{host}" in pipegram_status(redis_url, check=False) for n in (0, 1)),
                   "both GPU workers announcing themselves", 180, gpus)
        children = Path(f"/proc/{gpus.popen.pid}/task/{gpus.popen.pid}/children").read_text().split()
        pinned = sorted(dict(line.split("=", 1) for line in Path(f"/proc/{pid}/environ").read_text().split("\0")
                             if line.startswith("CUDA_VISIBLE_DEVICES="))["CUDA_VISIBLE_DEVICES"]
                        for pid in children)
        assert pinned == ["0", "1"]
        assert pipegram_status(redis_url).count("on cpu (1 thread): chat") == 2  # --threads splits the cores
    finally:
        gpus.stop()
