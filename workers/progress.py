"""How far a long job is ("[2/5]"): a skill's forward reports it, the runner shows it in the status message.

A context variable carries the listener, so skills stay free of Telegram; in a job without a status message,
or on a batching thread, reports go nowhere.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[int, int], None]
_listener: ContextVar[Listener | None] = ContextVar("progress_listener", default=None)


def report(done: int, total: int) -> None:
    """Say that done of total steps are finished."""
    if (listener := _listener.get()) is not None:
        listener(done, total)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send this block's progress reports to listener."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def throttled(show: Callable[[int, int], None], every_s: float) -> Listener:
    """A listener that passes the first report on at once (a fast job still shows it is counting), then at most
    one every every_s seconds (Telegram limits edits); never one for a job of a single step."""
    last = -math.inf

    def listener(done: int, total: int) -> None:
        nonlocal last
        if total > 1 and done < total and time.monotonic() - last >= every_s:
            last = time.monotonic()
            show(done, total)

    return listener
