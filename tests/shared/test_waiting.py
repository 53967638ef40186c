"""The numbers in the "queued" status message, and when one is sent at all."""

from __future__ import annotations

from shared.waiting import expected_wait_s, format_duration, queued_text


def test_the_eta_shares_the_jobs_ahead_among_the_workers() -> None:
    assert expected_wait_s(ahead=4, run_s=2.0, workers=2) == 6.0  # 4 jobs on 2 workers, then this one
    assert expected_wait_s(ahead=0, run_s=2.0, workers=0) == 2.0  # no worker announced yet: count one
    assert expected_wait_s(ahead=3, run_s=None, workers=1) is None


def test_durations_read_at_a_glance() -> None:
    assert [format_duration(s) for s in (0.2, 7.4, 17, 59, 61, 3600 + 300)] == ["1 s", "8 s", "20 s", "60 s",
                                                                                 "2 min", "1 h 5 min"]
    assert queued_text("⏳ Queued — position {position}{eta}", ", about {duration}", 3, 17) == \
        "⏳ Queued — position 3, about 20 s"
    assert queued_text("Platz {position}{eta}", ", etwa {duration}", 1, None) == "Platz 1"
