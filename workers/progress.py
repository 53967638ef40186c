"""How far a long job is ("[2/5]"): a skill's forward reports it, the runner shows it in the status message.

A context variable carries the listener, so skills stay free of Telegram; in a job without a status message,
or on a batching thread, reports go nowhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

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


@contextmanager
def counting_calls(obj: Any, name: str, total: int, per_call: int = 1) -> Iterator[None]:
    """Report a step each time obj.<name> returns, e.g. a model's generate once per batch of audio chunks.

    The method is wrapped on the instance for this block only: prefork workers run one job at a time.
    """
    original, calls = getattr(obj, name), 0

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        report(min(calls * per_call, total), total)
        return result

    setattr(obj, name, counted)
    try:
        yield
    finally:
        delattr(obj, name)


def throttled(show: Callable[[int, int], None], every_s: float) -> Listener:
    """A listener that passes a report on at most once every every_s seconds (Telegram limits edits), and
    never one for a job of a single step."""
    last = time.monotonic()

    def listener(done: int, total: int) -> None:
        nonlocal last
        if total > 1 and done < total and time.monotonic() - last >= every_s:
            last = time.monotonic()
            show(done, total)

    return listener
