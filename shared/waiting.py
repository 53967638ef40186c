"""The status message a user sees while a job waits: the bot sends it, the worker edits it, then removes it.

It is sent only when the expected wait passes PIPEGRAM_STATUS_AFTER_S: a quick answer needs no status
message, and every status message costs three Bot API calls (send, edit, delete) from Telegram's rate limits.
"""

from __future__ import annotations

import math


def expected_wait_s(ahead: int, run_s: float | None, workers: int) -> float | None:
    """Seconds until this job's answer: the jobs ahead shared among the workers, then this one; None if unknown."""
    if run_s is None:
        return None
    return run_s * (ahead / max(workers, 1) + 1)


def queued_text(template: str, eta_template: str, position: int, eta_s: float | None) -> str:
    """E.g. "⏳ Queued — position 3, about 20 s", from a catalog's QUEUED and QUEUED_ETA."""
    eta = eta_template.format(duration=format_duration(eta_s)) if eta_s is not None else ""
    return template.format(position=position, eta=eta)


def format_duration(seconds: float) -> str:
    """A rough duration a person reads at a glance: "5 s", "40 s", "3 min", "1 h 5 min"."""
    if seconds < 10:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 60:
        return f"{math.ceil(seconds / 5) * 5} s"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"
