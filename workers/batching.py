"""Dynamic batching: jobs that arrive within a short window run as one model call.

Used by workers on batched queues (`embed`), which run Celery's threads pool: each job's thread hands its
input to the skill's Batcher and waits; one collector thread takes what arrived within `window_s` (at most
`max_size`), calls the skill's forward once, and hands each thread its own output. Each thread then sends its
own reply and acknowledges its own message, so batching changes nothing about delivery.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from workers import metrics

log = logging.getLogger(__name__)


class Batcher:
    """Collects inputs from many threads into batched calls of `forward`."""

    def __init__(self, name: str, forward: Callable[[list[Any]], list[Any]], max_size: int, window_s: float) -> None:
        self.name, self.forward, self.max_size, self.window_s = name, forward, max_size, window_s
        self.pending: queue.Queue[tuple[Any, Future[Any]]] = queue.Queue()
        threading.Thread(target=self._collect, name=f"batcher-{name}", daemon=True).start()

    def submit(self, item: Any) -> Future[Any]:
        """This input's output to come, computed together with whatever else arrives in the same window."""
        future: Future[Any] = Future()
        self.pending.put((item, future))
        return future

    def run(self, item: Any, timeout: float | None = None) -> Any:
        """submit, then wait: for callers that cannot be handed back (the bench, tests)."""
        return self.submit(item).result(timeout)

    def _collect(self) -> None:
        while True:
            batch = [self.pending.get()]
            deadline = time.monotonic() + self.window_s
            while len(batch) < self.max_size and (left := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self.pending.get(timeout=left))
                except queue.Empty:
                    break
            self._call(batch)

    def _call(self, batch: list[tuple[Any, Future[Any]]]) -> None:
        began = time.perf_counter()
        metrics.batch_ran(self.name, len(batch))
        try:
            outputs = self.forward([item for item, _ in batch])
        except BaseException as exc:  # the collector keeps going
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
            else:  # one bad input must not fail its neighbours: each runs again alone
                log.warning("%s: a batch of %d failed (%s); running each job alone", self.name, len(batch), exc)
                for one in batch:
                    self._call([one])
            return
        for (_, future), output in zip(batch, outputs, strict=True):
            future.set_result(output)
        log.info("%s: one model call for %d jobs in %.3f s", self.name, len(batch), time.perf_counter() - began)
