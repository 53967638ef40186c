"""Prometheus metrics of a worker process, and the /metrics and /healthz endpoints its parent serves.

Jobs run in the prefork pool child, which Celery kills and replaces (time limits, crashes), while the
parent lives on. So counts use prometheus_client's multiprocess mode: every process writes its values to
files in a private directory, and the parent's /metrics adds up the files of all its children, dead ones
included, so counters never go back. The directory must be set before prometheus_client is imported,
hence the environment dance at the top of this module.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A fresh directory per worker process (a forked pool child inherits it; an exec'd sibling makes its own).
_METRICS_DIR = tempfile.mkdtemp(prefix="pipegram-metrics-")
_OWNER = os.getpid()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _METRICS_DIR


@atexit.register
def _remove_files() -> None:
    # Only the process that made the directory: a pool child exiting must not pull it from under the parent.
    if os.getpid() == _OWNER:
        shutil.rmtree(_METRICS_DIR, ignore_errors=True)


import redis  # noqa: E402
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest  # noqa: E402
from prometheus_client import values as _values  # noqa: E402
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402

from shared.settings import port_taken  # noqa: E402
from shared.status import live_workers, process_alive  # noqa: E402

# prometheus_client picks its value class on import; if something imported it first (a test session that also
# loads the bot), pick again now that the directory is set. A worker process imports it here first.
_values.ValueClass = _values.get_value_class()

log = logging.getLogger(__name__)

# registry=None: the values live in the directory's files, read back by render(), not in the default registry.
JOBS = Counter("pipegram_jobs_total", "Jobs finished, by skill and outcome", ["skill", "outcome"], registry=None)
QUEUE_WAIT = Histogram("pipegram_job_queue_wait_seconds", "From the bot enqueuing a job to a worker starting it",
                       ["skill"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600), registry=None)
RUN_TIME = Histogram("pipegram_job_run_seconds", "From a worker starting a job to its reply being sent",
                     ["skill"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300), registry=None)
MODEL_LOAD = Histogram("pipegram_model_load_seconds", "Loading and warming one skill's model in a worker process",
                       ["skill"], buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600), registry=None)
BATCH_SIZE = Histogram("pipegram_batch_size", "Jobs joined into one model call on batched workers",
                       ["skill"], buckets=(1, 2, 4, 8, 16, 32, 64, 128), registry=None)
TELEGRAM_ERRORS = Counter("pipegram_telegram_errors_total", "Bot API calls that failed, by error", ["error"],
                          registry=None)
TELEGRAM_RETRIES = Counter("pipegram_telegram_retries_total", "Sends retried after Telegram asked to wait (429)",
                           registry=None)


def job_done(skill: str, outcome: str, waited: float, ran: float) -> None:
    """Count one finished job and observe its queue wait and run time."""
    JOBS.labels(skill, outcome).inc()
    QUEUE_WAIT.labels(skill).observe(waited)
    RUN_TIME.labels(skill).observe(ran)


def model_loaded(skill: str, seconds: float) -> None:
    MODEL_LOAD.labels(skill).observe(seconds)


def batch_ran(skill: str, size: int) -> None:
    BATCH_SIZE.labels(skill).observe(size)


def telegram_error(exc: BaseException) -> None:
    TELEGRAM_ERRORS.labels(type(exc).__name__).inc()


def telegram_retry() -> None:
    TELEGRAM_RETRIES.inc()


def render() -> bytes:
    """Every process's metrics in this worker (parent, pool children alive or dead), in the text format."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=_METRICS_DIR)
    return generate_latest(registry)


def health(r: redis.Redis, node: str) -> tuple[bool, dict[str, object]]:
    """Healthy when a process of this node has announced its warm skills in Redis and is still alive."""
    try:
        found = [worker for worker in live_workers(r) if worker.get("node") == node]
    except redis.RedisError as exc:
        return False, {"ok": False, "redis": False, "error": type(exc).__name__}
    skills: set[str] = set()
    for worker in found:
        # A killed pool child's announcement outlives it by up to 45 s.
        if process_alive(int(worker["pid"])):
            skills.update(worker["skills"])
    return bool(skills), {"ok": bool(skills), "redis": True, "skills": sorted(skills)}


def serve(listen: str, port: int, r: redis.Redis, node: str) -> ThreadingHTTPServer:
    """Serve /metrics and /healthz from a daemon thread; a port that is taken raises ConfigError."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if self.path.split("?")[0] == "/metrics":
                self._answer(200, render(), CONTENT_TYPE_LATEST)
            elif self.path.split("?")[0] == "/healthz":
                ok, body = health(r, node)
                self._answer(200 if ok else 503, json.dumps(body).encode(), "application/json")
            else:
                self._answer(404, b"not found\n", "text/plain")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:  # scrapes every few seconds would drown the log
            pass

    try:
        server = ThreadingHTTPServer((listen, port), Handler)
    except OSError as exc:
        raise port_taken("PIPEGRAM_WORKER_METRICS_PORT", port, exc.strerror or str(exc)) from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics on http://%s:%d/metrics, health on /healthz", listen, port)
    return server
