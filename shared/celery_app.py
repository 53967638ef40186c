"""The Celery app both sides share, and `enqueue`, the bot's only way to start work.

The app is built on first use, not on import: importing this module reads no settings and opens nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from shared.jobs import Job
from shared.settings import get_settings
from shared.skills import QUEUES, SKILL_QUEUES, task_name

# Above the longest hard time limit, or Redis redelivers a job that is still running.
VISIBILITY_TIMEOUT_S = 2 * 3600
# How long after a job last started it can still come back (redelivered when its worker is lost, or retried
# while Telegram is unreachable): reply claims and attempt counts are kept this long, not days.
REDELIVERY_WINDOW_S = VISIBILITY_TIMEOUT_S + 3600


def make_celery(redis_url: str) -> Celery:
    """A Celery app on Redis: JSON only, acks after the reply, one job reserved at a time."""
    app = Celery("pipegram", broker=redis_url)
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
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
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
    """The process's Celery app, on REDIS_URL; built once, when first needed."""
    return make_celery(get_settings().redis_url)


def enqueue(job: Job) -> None:
    """Put a job on its skill's queue, by task name: the bot never imports the workers."""
    payload = job.encode()
    get_app().send_task(task_name(job.skill), args=[payload], queue=SKILL_QUEUES[job.skill],
                        argsrepr=shown_in_events(payload), kwargsrepr="{}")


def shown_in_events(payload: dict[str, Any]) -> str:
    """What task events (Flower, `celery events`) and Celery's logs show of a job: its id and skill, never the
    user's words, file or chat."""
    return f"job {str(payload.get('job_id'))[:64]} ({str(payload.get('skill'))[:32]})"
