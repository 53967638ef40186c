"""`pipegram worker --gpus`: each GPU's worker process is pinned to its GPU and gets its share of the cores."""

from __future__ import annotations

import pytest

from pipegram.worker import gpu_worker_env
from workers.runner import thread_share

ALL = "text,speech,vision,embed"


def test_the_cores_but_one_are_divided_among_model_processes() -> None:
    assert thread_share(1, cores=16) == 15
    assert thread_share(2, cores=16) == 7
    assert thread_share(4, cores=16) == 3
    assert thread_share(8, cores=4) == 1 and thread_share(1, cores=1) == 1


@pytest.fixture
def sixteen_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.delenv("PIPEGRAM_TORCH_THREADS", raising=False)
    monkeypatch.setenv("PIPEGRAM_WORKER_METRICS_PORT", "9181")


def test_two_gpus_split_the_cores_among_their_nodes_processes(sixteen_cores: None) -> None:
    envs = [gpu_worker_env(["0", "1"], index, ALL) for index in range(2)]
    assert [env["CUDA_VISIBLE_DEVICES"] for env in envs] == ["0", "1"]
    # Two GPUs, each a node of three processes (text with embed, speech, vision): 15 cores over 6 processes.
    assert [env["PIPEGRAM_TORCH_THREADS"] for env in envs] == ["2", "2"]
    assert [env["PIPEGRAM_WORKER_METRICS_PORT"] for env in envs] == ["9181", "9184"]
    # text and speech: two prefork processes per GPU, 15 cores over 4.
    assert gpu_worker_env(["0", "1"], 0, "text,speech")["PIPEGRAM_TORCH_THREADS"] == "3"


def test_an_explicit_thread_count_is_kept(sixteen_cores: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPEGRAM_TORCH_THREADS", "5")
    assert gpu_worker_env(["0", "1"], 1, ALL)["PIPEGRAM_TORCH_THREADS"] == "5"
