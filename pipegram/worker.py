"""`pipegram worker`: a prefork worker (one pool child with warm models) and, for batched queues, a threads one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys


def run_worker(queues: list[str], name: str | None, loglevel: str) -> None:
    """Serve the queues; batched ones (embed) get their own threads-pool process beside the prefork one."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Loading bars in a log are noise (Celery files a pool child's stderr as warnings); `models pull` keeps them.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from workers.tasks import BATCHED_QUEUES

    name = name or f"worker-{os.getpid()}@{socket.gethostname()}"
    batched = [queue for queue in queues if queue in BATCHED_QUEUES]
    plain = [queue for queue in queues if queue not in BATCHED_QUEUES]
    _check_metrics_ports(2 if batched and plain else 1)
    _download_first(queues)
    if not plain:
        return _celery(batched, f"batch-{name}", loglevel, pool="threads", concurrency=_batch_threads(batched))
    if not batched:
        return _celery(plain, name, loglevel, pool="prefork", concurrency=1)
    sibling = subprocess.Popen([sys.executable, "-m", "pipegram.cli", "worker", "--queues", ",".join(batched),
                                "--name", name, "--loglevel", loglevel], env=_metrics_port_env(1))
    try:
        _celery(plain, name, loglevel, pool="prefork", concurrency=1)
    finally:
        sibling.terminate()
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
    """Exit at once if this worker's metrics ports are taken (with a batched sibling, the next one too)."""
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


def _batch_threads(queues: list[str]) -> int:
    """One thread per job that may join a batch: the largest batch size among the queues' skills."""
    from shared.settings import get_settings
    from shared.skills import SKILL_QUEUES
    from workers.models import resolve_specs

    skills = [skill for skill, queue in SKILL_QUEUES.items() if queue in queues]
    specs = resolve_specs(get_settings().pipegram_models, skills)
    return max([spec.batch_size for spec in specs.values()] + [1])


def _celery(queues: list[str], name: str, loglevel: str, pool: str, concurrency: int) -> None:
    from workers.tasks import app

    app.worker_main([
        "worker", f"--pool={pool}", f"--concurrency={concurrency}", f"--queues={','.join(queues)}",
        f"--hostname={name}", f"--loglevel={loglevel}", "--without-gossip", "--without-mingle",
    ])


def gpu_worker_env(gpus: list[str], index: int, queues: str) -> dict[str, str]:
    """The environment of GPU gpus[index]'s worker: it sees only that GPU, serves metrics on its own ports and,
    unless PIPEGRAM_TORCH_THREADS says otherwise, gets its share of the cores (each process would otherwise take
    all of them but one, and together they would oversubscribe the CPU)."""
    from workers.runner import thread_share
    from workers.tasks import BATCHED_QUEUES

    served = queues.split(",")
    # A worker serving batched and plain queues runs two model processes (see run_worker).
    per_worker = 2 if any(q in BATCHED_QUEUES for q in served) and any(q not in BATCHED_QUEUES for q in served) else 1
    env = {**_metrics_port_env(2 * index), "CUDA_VISIBLE_DEVICES": gpus[index]}
    if not env.get("PIPEGRAM_TORCH_THREADS", "").strip("0"):
        env["PIPEGRAM_TORCH_THREADS"] = str(thread_share(len(gpus) * per_worker))
    return env


def run_on_gpus(gpus: list[str], queues: str, loglevel: str) -> int:
    """One worker process per GPU, pinned with CUDA_VISIBLE_DEVICES before Python (and torch) starts.

    GPU i's worker serves metrics on the base port + 2i (its batched sibling, if any, on the next port).
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
