"""When the bot sends a "queued" status message at all."""

from __future__ import annotations

from bot.waiting import worth_telling


def test_a_status_message_only_for_a_wait_worth_telling() -> None:
    assert not worth_telling(ahead=0, eta_s=0.4, after_s=2)  # a quick answer needs no status message
    assert worth_telling(ahead=0, eta_s=30, after_s=2)
    assert worth_telling(ahead=2, eta_s=None, after_s=2) and not worth_telling(ahead=0, eta_s=None, after_s=2)
    assert worth_telling(ahead=0, eta_s=0.1, after_s=0)  # 0 means always
