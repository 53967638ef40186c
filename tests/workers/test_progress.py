"""Progress reports reach the status message at once, then at a pace Telegram accepts, and never for one-step
jobs."""

from __future__ import annotations

from workers import progress


def test_reports_pass_at_most_once_per_interval_and_skip_single_steps_and_the_end() -> None:
    shown: list[tuple[int, int]] = []
    eager = progress.throttled(lambda done, total: shown.append((done, total)), every_s=0)
    for done, total in [(1, 1), (1, 4), (2, 4), (3, 4), (4, 4)]:
        eager(done, total)
    assert shown == [(1, 4), (2, 4), (3, 4)]  # the last step is followed by the answer itself
    shown.clear()
    patient = progress.throttled(lambda done, total: shown.append((done, total)), every_s=3600)
    for done in range(1, 5):
        patient(done, 5)
    assert shown == [(1, 5)]  # the first at once, then none within the hour


def test_reports_go_nowhere_without_a_listener_and_only_inside_the_block() -> None:
    heard: list[tuple[int, int]] = []
    progress.report(1, 2)  # nobody listening: nothing happens
    with progress.listening(lambda done, total: heard.append((done, total))):
        progress.report(1, 2)
    progress.report(2, 2)
    assert heard == [(1, 2)]
