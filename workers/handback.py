"""Scale-in for a batched (threads-pool) process: when its cold shutdown stops the pool, its running jobs go back
to their queue.

Celery cancels a running job by killing its pool child, which a thread cannot be, so its threads pool refuses
(`does not implement kill_job`) and the jobs would run on past the grace. Here stopping the pool in a cold shutdown
sets one flag: each job stops waiting for the model, the model stops generating, and a job not yet replying ends
unacknowledged, so the closing connection puts it back at the head of its queue. A job already replying finishes.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from concurrent.futures import wait as wait_for
from typing import Any

from celery.concurrency.thread import TaskPool
from celery.worker import state as worker_state

POLL_S = 0.1  # how soon a waiting job notices the hand-back

_handing_back = threading.Event()


class HandedBack(Exception):
    """This process is stopping: the job goes back to its queue unanswered, for another worker."""


class ThreadPool(TaskPool):
    """Celery's threads pool, whose running jobs hand themselves back when a cold shutdown stops it."""

    def terminate_job(self, pid: Any, signal: Any = None) -> None:
        """A thread cannot be killed: the cold shutdown's cancel is answered when it stops the pool (on_stop)."""

    def on_stop(self) -> None:
        if worker_state.should_terminate:  # a cold shutdown, past its soft phase; a warm one lets jobs finish
            _handing_back.set()
        super().on_stop()


def handing_back() -> bool:
    """Whether this process is handing its jobs back."""
    return _handing_back.is_set()


def raise_if_handing_back() -> None:
    if _handing_back.is_set():
        raise HandedBack()


def result_unless_handed_back(future: Future[Any], timeout: float) -> Any:
    """The future's result within timeout (else WaitedTooLong), unless the process hands its jobs back first."""
    deadline = time.monotonic() + timeout
    while True:
        raise_if_handing_back()  # also once done: a hand-back cuts generation short, and a cut answer must not go out
        if future.done():
            return future.result()
        if (left := deadline - time.monotonic()) <= 0:
            raise WaitedTooLong()
        wait_for([future], min(POLL_S, left))
