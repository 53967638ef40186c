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
    # SIGTERM starts Celery's soft shutdown (finish within the grace, else requeue) rather than waiting for the job
    # without bound; read by billiard when Celery is first imported, which is below.
    os.environ.setdefault("REMAP_SIGTERM", "SIGQUIT")
    # Loading bars in a log are noise (Celery files a pool child's stderr as warnings); `models pull` keeps them.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from workers.tasks import BATCHED_QUEUES

    name = name or f"worker-{os.getpid()}@{socket.gethostname()}"
    batched = [queue for queue in queues if queue in BATCHED_QUEUES]
    plain = [queue for queue in queues if queue not in BATCHED_QUEUES]
    _check_metrics_ports(2 if batched and plain else 1)
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


def run_on_gpus(gpus: list[str], queues: str, loglevel: str) -> int:
    """One worker process per GPU, pinned with CUDA_VISIBLE_DEVICES before Python (and torch) starts.

    GPU i's worker serves metrics on the base port + 2i (its batched sibling, if any, on the next port).
    """
    host = socket.gethostname()
    procs = [subprocess.Popen([sys.executable, "-m", "pipegram.cli", "worker", "--queues", queues, "--name",
                               f"gpu{gpu}@{host}", "--loglevel", loglevel],
                              env={**_metrics_port_env(2 * index), "CUDA_VISIBLE_DEVICES": gpu})
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
