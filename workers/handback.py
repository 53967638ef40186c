"""Scale-in for a batched (threads-pool) process: on Celery's cancel, its running jobs go back to their queue.

Celery cancels a running job by killing its pool child, and a thread cannot be killed, so Celery's threads pool
refuses (`does not implement kill_job`) and its jobs would run on past the grace. Here the cancel sets one flag
instead: each job stops waiting for the model, the model stops generating, and a job not yet replying is
rejected back to the head of its queue for another worker. A job already replying finishes its reply.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from concurrent.futures import wait as wait_for
from typing import Any

from celery.concurrency.thread import TaskPool

POLL_S = 0.1  # how soon a waiting job notices the hand-back

_handing_back = threading.Event()


class HandedBack(Exception):
    """This process is stopping: the job goes back to its queue unanswered, for another worker."""


class ThreadPool(TaskPool):
    """Celery's threads pool, whose cancel hands the running jobs back instead of failing."""

    def terminate_job(self, pid: Any, signal: Any = None) -> None:
        _handing_back.set()


def handing_back() -> bool:
    return _handing_back.is_set()


def check() -> None:
    """Raise HandedBack once this process hands its jobs back."""
    if _handing_back.is_set():
        raise HandedBack()


def result(future: Future[Any], timeout: float) -> Any:
    """The future's result within timeout (else WaitedTooLong), unless the process hands its jobs back first."""
    deadline = time.monotonic() + timeout
    while True:
        check()  # also once done: a hand-back cuts generation short, and a cut answer must not go out
        if future.done():
            return future.result()
        if (left := deadline - time.monotonic()) <= 0:
            raise WaitedTooLong()
        wait_for([future], min(POLL_S, left))
