"""`pipegram worker`: one process per lane of queue families, so a long job in one lane never holds up another.

Text and embed share a lane (short jobs: chat must stay quick); speech and vision share the other (long
transcriptions, SAM). Within a lane, plain queues run in a prefork worker with one pool child holding warm
models, batched queues in a threads-pool worker that joins jobs into shared model calls.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass

# Celery's threads pool, with a cancel that hands running jobs back on scale-in (workers/handback.py).
POOLS = {"prefork": "prefork", "threads": "workers.handback:ThreadPool"}


@dataclass(frozen=True)
class WorkerProcess:
    """One Celery worker process of a node: the queues it serves and its pool."""

    queues: tuple[str, ...]
    pool: str  # "prefork" (one child, Celery's time limits) or "threads" (batching)


def worker_processes(queues: list[str]) -> list[WorkerProcess]:
    """The processes that serve these queues: per lane, a prefork one for its plain queues and a threads one
    for its batched queues."""
    from workers.tasks import LANES, batched_queues

    batched_ones = batched_queues()
    processes = []
    for lane in LANES:
        served = [queue for queue in lane if queue in queues]
        plain = tuple(queue for queue in served if queue not in batched_ones)
        batched = tuple(queue for queue in served if queue in batched_ones)
        processes += [WorkerProcess(plain, "prefork")] if plain else []
        processes += [WorkerProcess(batched, "threads")] if batched else []
    return processes


def node_name(process: WorkerProcess, index: int, name: str) -> str:
    """The first process keeps the node's name; the others are named by their queues (embed-gpu0@host)."""
    return name if index == 0 else f"{'-'.join(process.queues)}-{name}"


def run_worker(queues: list[str], name: str | None, loglevel: str) -> None:
    """Serve the queues: the first process runs here, the others as children stopped with it."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # SIGTERM starts Celery's soft shutdown (finish within the grace, else requeue) rather than waiting for the job
    # without bound; read by billiard when Celery is first imported, which is below.
    os.environ.setdefault("REMAP_SIGTERM", "SIGQUIT")
    # Loading bars in a log are noise (Celery files a pool child's stderr as warnings); `models pull` keeps them.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from shared.skills import QUEUES

    if unknown := [queue for queue in queues if queue not in QUEUES]:
        sys.exit(f"pipegram: no queue named {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    name = name or f"worker-{os.getpid()}@{socket.gethostname()}"
    first, *others = worker_processes(queues)
    share_cores(os.environ, 1 + len(others))  # a GPU node's share is set already, by run_on_gpus
    _check_metrics_ports(1 + len(others))
    _download_first(queues)
    siblings = [subprocess.Popen([sys.executable, "-m", "pipegram.cli", "worker", "--queues", ",".join(process.queues),
                                  "--name", node_name(process, index, name), "--loglevel", loglevel],
                                 env=_metrics_port_env(index))
                for index, process in enumerate(others, start=1)]
    try:
        concurrency = _batch_threads(first.queues) if first.pool == "threads" else 1
        _celery(list(first.queues), name, loglevel, first.pool, concurrency)
    finally:
        for sibling in siblings:
            sibling.terminate()
        for sibling in siblings:
            sibling.wait(30)


def _download_first(queues: list[str]) -> None:
    """Fetch the served skills' models that are not in the cache yet, before any pool child starts."""
    import logging

    from pipegram.models import prefetch
    from shared.settings import get_settings
    from shared.skills import SKILL_QUEUES
    from shared.telegram import configure_logging
    from workers.models import resolve_specs

    settings = get_settings()
    configure_logging(settings)  # Celery sets up its own logging later
    logging.getLogger("pipegram.models").setLevel(logging.INFO)
    served = [skill for skill, queue in SKILL_QUEUES.items() if queue in queues]
    prefetch(resolve_specs(settings.pipegram_models, served))


def _check_metrics_ports(span: int) -> None:
    """Exit at once if this worker's metrics ports (one per process) are taken."""
    from pipegram.ports import port_free
    from shared.settings import get_settings, port_taken

    settings = get_settings()
    port = settings.pipegram_worker_metrics_port
    for offset in range(span if port else 0):
        if not port_free(port + offset, settings.pipegram_metrics_listen):
            sys.exit(f"pipegram: {port_taken('PIPEGRAM_WORKER_METRICS_PORT', port + offset)}")


def _metrics_port_env(offset: int) -> dict[str, str]:
    """The environment for a worker process that serves /metrics `offset` ports above this one (0 stays off)."""
    from shared.settings import get_settings

    port = get_settings().pipegram_worker_metrics_port
    return {**os.environ, "PIPEGRAM_WORKER_METRICS_PORT": str(port + offset if port else 0)}


def _batch_threads(queues: tuple[str, ...]) -> int:
    """One thread per job that may join a batch: the largest batch size among the queues' skills."""
    from shared.settings import get_settings
    from shared.skills import SKILL_QUEUES
    from workers.models import resolve_specs

    skills = [skill for skill, queue in SKILL_QUEUES.items() if queue in queues]
    specs = resolve_specs(get_settings().pipegram_models, skills)
    return max([spec.batch_size for spec in specs.values()] + [1])


def _celery(queues: list[str], name: str, loglevel: str, pool: str, concurrency: int) -> None:
    from workers.tasks import app

    app.conf.worker_pool = POOLS[pool]  # Celery's --pool takes only its own pools' names
    app.worker_main([
        "worker", f"--concurrency={concurrency}", f"--queues={','.join(queues)}",
        f"--hostname={name}", f"--loglevel={loglevel}", "--without-gossip", "--without-mingle",
    ])


def gpu_worker_env(gpus: list[str], index: int, queues: str) -> dict[str, str]:
    """The environment of GPU gpus[index]'s node: it sees only that GPU, serves metrics on its own ports and,
    unless PIPEGRAM_TORCH_THREADS says otherwise, its processes get their share of the cores (each would otherwise
    take all of them but one, and together they would oversubscribe the CPU)."""
    span = len(worker_processes(queues.split(",")))
    env = {**_metrics_port_env(span * index), "CUDA_VISIBLE_DEVICES": gpus[index]}
    share_cores(env, len(gpus) * span)
    return env


def share_cores(env: MutableMapping[str, str], processes: int) -> None:
    """Give each of `processes` model processes on this machine its share of the cores as torch threads, unless
    PIPEGRAM_TORCH_THREADS already says how many."""
    from workers.runner import thread_share

    if not env.get("PIPEGRAM_TORCH_THREADS", "").strip("0"):
        env["PIPEGRAM_TORCH_THREADS"] = str(thread_share(processes))


def run_on_gpus(gpus: list[str], queues: str, loglevel: str) -> int:
    """One worker node per GPU, its processes pinned with CUDA_VISIBLE_DEVICES before Python (and torch) starts.

    GPU i's processes serve metrics on the base port + i * (processes per node) and up.
    """
    host = socket.gethostname()
    _download_first(queues.split(","))  # once, not in every GPU's worker at the same time
    procs = [subprocess.Popen([sys.executable, "-m", "pipegram.cli", "worker", "--queues", queues, "--name",
                               f"gpu{gpu}@{host}", "--loglevel", loglevel], env=gpu_worker_env(gpus, index, queues))
             for index, gpu in enumerate(gpus)]

    def stop(*_: object) -> None:
        for proc in procs:
            proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        codes = [proc.wait() for proc in procs]
    except KeyboardInterrupt:
        stop()
        codes = [proc.wait() for proc in procs]
    return max(codes, default=0)
