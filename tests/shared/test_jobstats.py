"""Job timings in Redis: what ETAs and /stats are computed from."""

from __future__ import annotations

import redis

from shared import jobstats
from shared.keys import job_outcomes_key, job_times_key


def test_recorded_jobs_give_percentiles_outcome_counts_and_a_recent_mean(redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    r.delete(job_times_key("t-skill"), job_outcomes_key("t-skill"))
    for i in range(1, 101):  # total latency i/10 s: waited 0.1, ran (i-1)/10
        jobstats.record(r, "t-skill", "failed" if i % 10 == 0 else "answered", 0.1, (i - 1) / 10)
    stats = jobstats.skill_stats("t-skill", r.lrange(job_times_key("t-skill"), 0, -1),
                                 r.hgetall(job_outcomes_key("t-skill")))
    assert (stats.jobs, stats.errors) == (100, 10)
    assert stats.p50_s is not None and stats.p95_s is not None
    assert abs(stats.p50_s - 5.0) <= 0.1 and abs(stats.p95_s - 9.5) <= 0.1
    recent = r.lrange(job_times_key("t-skill"), 0, -1)
    assert jobstats.expected_run_s(recent) == sum((i - 1) / 10 for i in range(81, 101)) / 20  # the last 20 jobs


def test_timings_are_capped_and_garbage_is_skipped(redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    r.delete(job_times_key("t-cap"))
    for _ in range(jobstats.KEEP + 30):
        jobstats.record(r, "t-cap", "answered", 0.0, 1.0)
    assert r.llen(job_times_key("t-cap")) == jobstats.KEEP
    assert jobstats.parse_times([b"1.0 2.0", b"nonsense", "3 4"]) == [(1.0, 2.0), (3.0, 4.0)]
    assert jobstats.expected_run_s([]) is None
