"""The Celery app both sides share, and `enqueue`, the bot's only way to start work.

The app is built on first use, not on import: importing this module reads no settings and opens nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from shared import sentinel
from shared.jobs import Job
from shared.settings import Settings, get_settings
from shared.skills import QUEUES, SKILL_QUEUES, task_name

# Cold shutdown after the soft one (hand the job back, stop the pool child, close): kept out of the grace.
HANDBACK_S = 5.0
# How long after a job last started it can still come back (retried for ~12 minutes while Telegram is unreachable,
# or redelivered when its worker's lease lapses): reply claims and attempt counts are kept this long, not days.
REDELIVERY_WINDOW_S = 3 * 3600


def transport_options(settings: Settings) -> dict[str, Any]:
    """kombu's Redis options: short leases that live workers renew (workers/leases.py) and sweep often."""
    return {
        "visibility_timeout": settings.pipegram_lease_s,
        "unacked_restore_interval": settings.pipegram_lease_renew_s,
        "unacked_restore_throttle": 1,  # the default 10 would sweep only every tenth interval
        # The sweep lock of a worker killed while sweeping expires soon; a double sweep cannot double a job
        # (kombu restores each message in a WATCH transaction).
        "unacked_mutex_expire": max(10, int(settings.pipegram_lease_s)),
        # A master that vanishes without closing its sockets (machine lost) is noticed, not waited on (celery#6348).
        "socket_keepalive": True,
        "health_check_interval": 10,
        **(sentinel.broker_options(settings) if settings.sentinels else {}),
    }


def soft_shutdown_s(settings: Settings) -> float:
    """How long a SIGTERMed worker lets its running job finish before handing it back."""
    # At least kombu's 1 s BRPOP, so the stopping worker's last fetch ends before the jobs go back.
    return max(1.5, settings.pipegram_shutdown_grace_s - HANDBACK_S)


def make_celery(settings: Settings | str) -> Celery:
    """A Celery app on Redis: JSON only, acks after the reply, one job reserved at a time.

    A plain URL (a test's own Redis) stands for the default settings on that Redis.
    """
    if isinstance(settings, str):
        settings = Settings(_env_file=None, redis_url=settings)  # type: ignore[call-arg]
    app = Celery("pipegram", broker=sentinel.broker_url(settings) if settings.sentinels else settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],  # pickle would let anyone who can write to Redis run code
        result_serializer="json",
        event_serializer="json",
        task_ignore_result=True,  # workers answer the chat themselves
        task_acks_late=True,
        # A job whose worker died (SIGKILL, OOM) goes back on the queue; runner bounds the attempts.
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_default_queue="text",
        task_create_missing_queues=False,
        broker_transport_options=transport_options(settings),
        **({"broker_transport": "shared.sentinel:SentinelTransport"} if settings.sentinels else {}),
        # SIGTERM (with REMAP_SIGTERM=SIGQUIT, set by `pipegram worker`): stop consuming, let the running job
        # finish within the grace, else cancel it and requeue it at once.
        worker_soft_shutdown_timeout=soft_shutdown_s(settings),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Models load in the pool child before it takes jobs; the default 4 s would kill it mid-load.
        worker_proc_alive_timeout=600.0,
        worker_send_task_events=True,
        task_send_sent_event=True,
    )
    return app


@cache
def get_app() -> Celery:
    """The process's Celery app, on REDIS_URL (or the Sentinels); built once, when first needed."""
    return make_celery(get_settings())


def enqueue(job: Job) -> None:
    """Put a job on its skill's queue, by task name: the bot never imports the workers."""
    payload = job.encode()
    get_app().send_task(task_name(job.skill), args=[payload], queue=SKILL_QUEUES[job.skill],
                        argsrepr=shown_in_events(payload), kwargsrepr="{}")


def shown_in_events(payload: dict[str, Any]) -> str:
    """What task events (Flower, `celery events`) and Celery's logs show of a job: its id and skill, never the
    user's words, file or chat."""
    return f"job {str(payload.get('job_id'))[:64]} ({str(payload.get('skill'))[:32]})"
