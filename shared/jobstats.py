"""Per-skill job timings and outcomes, kept in Redis by the workers; the bot's ETAs and /stats read them.

Times are a capped list per skill (newest first), so every worker and bot sees the same recent history.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import redis

from shared.keys import job_outcomes_key, job_times_key

KEEP = 500  # timings kept per skill (keys.job_times_key)
RECENT_FOR_ETA = 20  # an ETA follows the last few jobs, not the whole history
OUTCOMES = ("answered", "bad_input", "failed", "timed_out", "gave_up", "undeliverable")


def record(r: redis.Redis, skill: str, outcome: str, waited_s: float, ran_s: float) -> None:
    """Record one finished job (workers call this once per job)."""
    with r.pipeline() as tx:
        tx.lpush(job_times_key(skill), f"{waited_s:.3f} {ran_s:.3f}")
        tx.ltrim(job_times_key(skill), 0, KEEP - 1)
        tx.hincrby(job_outcomes_key(skill), outcome, 1)
        tx.execute()


def parse_times(raw: list) -> list[tuple[float, float]]:
    """(waited, ran) pairs from the stored strings, skipping anything unreadable."""
    pairs = []
    for item in raw:
        try:
            waited, ran = (item.decode() if isinstance(item, bytes) else item).split()
            pairs.append((float(waited), float(ran)))
        except ValueError:
            continue
    return pairs


def expected_run_s(raw_recent: list) -> float | None:
    """The mean run time of the most recent jobs, or None before any job finished."""
    runs = [ran for _, ran in parse_times(raw_recent[:RECENT_FOR_ETA])]
    return statistics.fmean(runs) if runs else None


@dataclass(frozen=True)
class SkillStats:
    """One skill's figures for /stats: total latency is time in the queue plus run time."""

    skill: str
    outcomes: dict[str, int]
    p50_s: float | None
    p95_s: float | None

    @property
    def jobs(self) -> int:
        return sum(self.outcomes.values())

    @property
    def errors(self) -> int:
        return sum(self.outcomes.get(outcome, 0) for outcome in ("failed", "timed_out", "gave_up", "undeliverable"))


def skill_stats(skill: str, raw_times: list, raw_outcomes: dict) -> SkillStats:
    """Percentiles of total latency over the kept jobs, and outcome counts."""
    totals = sorted(waited + ran for waited, ran in parse_times(raw_times))
    outcomes = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw_outcomes.items()}
    return SkillStats(skill, outcomes, _percentile(totals, 0.5), _percentile(totals, 0.95))


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
