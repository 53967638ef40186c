"""A worker takes jobs only once its models are warm.

Celery's main process starts consuming as soon as it runs, while the pool child may still be loading models for
minutes. A job it takes then waits out the load while warm workers idle: a new replica added by an autoscaler, or
the worker that replaces a dead machine, would hold the very job the fleet is trying to recover.
"""

from __future__ import annotations

import logging
import multiprocessing
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)

CHECK_S = 0.5

# Made in the main process before the pool forks, so its children share it.
_warm = multiprocessing.get_context("fork").Event()


def mark_warm() -> None:
    """Called by a pool child (or a threads worker) once every skill it serves is loaded."""
    _warm.set()


def _not_yet(*_: Any, **__: Any) -> None:
    """Stands in for the task consumer's consume() while the models load."""


class ConsumeWhenWarm(bootsteps.StartStopStep):
    """Holds the task consumer back until a pool child is warm, then starts it."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer: Any = None

    def start(self, parent: Any) -> None:
        consumer = parent.task_consumer
        if consumer is None:
            return
        if _warm.is_set():
            log.info("models warm: taking jobs")
            return
        consumer.cancel()  # before the event loop's first fetch: nothing is taken yet
        # Celery's event loop calls consume() once more as it starts: that call must wait for the models too.
        consumer.consume = _not_yet
        self.timer = parent.timer.call_repeatedly(CHECK_S, self._resume_when_warm, (parent,), priority=10)

    def _resume_when_warm(self, parent: Any) -> None:
        if _warm.is_set():
            self.stop(parent)
            parent.task_consumer.consume()
            log.info("models warm: taking jobs")

    def stop(self, parent: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if parent.task_consumer is not None:
            vars(parent.task_consumer).pop("consume", None)  # kombu's own consume() again

    shutdown = stop
