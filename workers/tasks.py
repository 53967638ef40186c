"""Celery entry point: one task per skill, and models loaded in each pool child before it takes jobs.

Run with `pipegram worker` (or `REMAP_SIGTERM=SIGQUIT celery -A workers.tasks worker -P prefork -c 1 -Q text`).
Importing this module builds nothing: the app and its tasks are made when `app` is first asked for, which is what
Celery's `-A` does.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

from celery import Celery, Task
from celery.concurrency.thread import TaskPool as ThreadTaskPool
from celery.exceptions import Terminated, TimeLimitExceeded
from celery.signals import celeryd_init, task_failure, worker_init, worker_process_init, worker_process_shutdown

from shared import store
from shared.celery_app import get_app, shown_in_events
from shared.settings import ConfigError, get_settings
from shared.skills import SKILL_QUEUES, task_name
from shared.telegram import configure_logging
from workers import handback, leases, metrics, runner, warmgate
from workers.models import resolve_specs
from workers.presence import announce

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE_S = 30
# Queues always served by a threads-pool worker that batches jobs into shared model calls (workers/batching.py);
# `text` joins them while chat batches (batched_queues).
ALWAYS_BATCHED = ("embed", "vision")
# Queue families that share a node's processes (pipegram/worker.py): short jobs apart from long ones, so a chat
# never waits behind a transcription or a SAM run.
LANES = (("text", "embed"), ("speech", "vision"))
# Retries when Telegram cannot take a reply: 1 s, 3 s, 5 s ... about 12 minutes in all.
DELIVERY_RETRIES = 27

_queues: list[str] = []
_node: list[str] = ["worker"]
_state: runner.WorkerState | None = None
_timed_out: set[str] = set()  # task ids whose hard time limit the user was told about (in the parent)


@cache
def build_app() -> Celery:
    """The shared Celery app with one task per skill, each with its model's time limits, and the worker's own
    consumer steps: job leases and taking jobs only once warm."""
    app = get_app()
    for skill, spec in resolve_specs(get_settings().pipegram_models, list(SKILL_QUEUES)).items():
        _register(app, skill, spec.time_limit)
    app.steps["consumer"].update({leases.LeaseRenewal, warmgate.ConsumeWhenWarm})
    return app


def __getattr__(name: str) -> Any:
    """`workers.tasks.app`, built on first use (PEP 562)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register(app: Celery, skill: str, soft_limit: int) -> None:
    hard_limit = soft_limit + HARD_LIMIT_GRACE_S  # no upper bound: the worker renews a long job's lease

    @app.task(name=task_name(skill), soft_time_limit=soft_limit, time_limit=hard_limit, bind=True,
              max_retries=DELIVERY_RETRIES, throws=(Terminated,))
    def serve(task: Task, payload: Any) -> None:
        if _state is None:
            raise RuntimeError("worker child started without its models")
        try:
            runner.run_job(_state, payload)
        except handback.HandedBack:
            # Left unacknowledged (Celery acks or rejects any other failure): the closing connection puts it back at
            # the head of its queue, where a rejected job would go to the back.
            raise Terminated("this worker is stopping; the job goes back to its queue") from None
        except runner.DeliveryFailed as exc:
            log.warning("%s; retrying", exc)
            # The retry is a new message: it must not show the job's text in task events either.
            raise task.retry(exc=exc, countdown=1 + 2 * task.request.retries, argsrepr=shown_in_events(payload),
                             kwargsrepr="{}") from exc


@task_failure.connect
def _tell_timed_out(task_id: str | None = None, exception: BaseException | None = None, args: Any = None,
                    **_: Any) -> None:
    """Celery reports a hard time limit in the parent, which kills the child: tell the user from here, off the
    parent's event loop. Celery sends this signal twice for one timeout (the timeout, then the job's result)."""
    if isinstance(exception, TimeLimitExceeded) and args and task_id not in _timed_out:
        if len(_timed_out) > 1000:
            _timed_out.clear()
        _timed_out.add(task_id or "")
        threading.Thread(target=runner.tell_timed_out, args=(get_settings(), args[0]), name="timed-out",
                         daemon=True).start()


@celeryd_init.connect
def _remember_queues(sender: str | None = None, options: dict[str, Any] | None = None, **_: Any) -> None:
    """Runs in the parent: note the node name and queues, so children load only those skills; serve metrics."""
    settings = get_settings()
    configure_logging(settings)
    _node[0] = sender or _node[0]
    queues = (options or {}).get("queues") or []
    _queues[:] = queues.split(",") if isinstance(queues, str) else list(queues)
    if settings.pipegram_worker_metrics_port:
        try:
            metrics.serve(settings.pipegram_metrics_listen, settings.pipegram_worker_metrics_port,
                          # No retries: a probe should hear at once that Redis is gone.
                          store.probe(settings.redis_url),
                          _node[0])
        except ConfigError as exc:  # Celery's signals swallow exceptions, not SystemExit
            raise SystemExit(f"pipegram: {exc}") from None


def batched_queues() -> tuple[str, ...]:
    """`embed`, and `text` when the chat model batches (its batch_size above 1, the default): several chats then
    share each generate call. With batch_size 1, text stays on the prefork worker (Celery's hard time limits)."""
    chat = resolve_specs(get_settings().pipegram_models, ["chat"])["chat"]
    return (*ALWAYS_BATCHED, "text") if chat.batch_size > 1 else ALWAYS_BATCHED


def _skills_served() -> list[str]:
    return [name for name, queue in SKILL_QUEUES.items() if not _queues or queue in _queues]


@worker_init.connect
def _warm_up_threads_worker(sender: Any = None, **_: Any) -> None:
    """Threads pool (batched queues): there are no child processes, so models load here, batching on."""
    global _state
    pool = getattr(sender, "pool_cls", None)
    if isinstance(pool, type) and issubclass(pool, ThreadTaskPool):
        _state = runner.start(get_settings(), _skills_served(), batching=True)
        announce(_state.redis, _node[0], {name: warm.loaded for name, warm in _state.skills.items()})
        warmgate.mark_warm()


@worker_process_init.connect
def _warm_up(**_: Any) -> None:
    """Runs in each pool child, never the parent: CUDA and big models do not survive a fork.

    Logging is inherited from the parent: a new handler here would write into Celery's stderr proxy.
    """
    global _state
    _state = runner.start(get_settings(), _skills_served())
    announce(_state.redis, _node[0], {name: warm.loaded for name, warm in _state.skills.items()})
    warmgate.mark_warm()


@worker_process_shutdown.connect
def _close(**_: Any) -> None:
    if _state is not None:
        _state.sender.close()
