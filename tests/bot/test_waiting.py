"""When the bot sends a "queued" status message at all."""

from __future__ import annotations

from bot.waiting import worth_telling


def test_a_status_message_only_for_a_wait_worth_telling() -> None:
    assert not worth_telling(ahead=0, run_s=0.4, workers=1, after_s=2)  # a quick answer needs no status message
    assert worth_telling(ahead=0, run_s=30, workers=1, after_s=2)
    assert worth_telling(ahead=4, run_s=0.5, workers=1, after_s=2)  # quick jobs, but many ahead
    assert not worth_telling(ahead=4, run_s=0.5, workers=4, after_s=2)  # ...shared among four workers
    assert worth_telling(ahead=0, run_s=0.1, workers=1, after_s=0)  # 0 means always


def test_before_a_skill_is_timed_a_job_counts_as_a_second() -> None:
    assert not worth_telling(ahead=0, run_s=None, workers=1, after_s=2)
    assert worth_telling(ahead=3, run_s=None, workers=1, after_s=2)
    assert not worth_telling(ahead=3, run_s=None, workers=1, after_s=600)
