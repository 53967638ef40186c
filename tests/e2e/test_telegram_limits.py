"""Telegram pushing back: a burst of 429s still gets every reply delivered exactly once."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def test_a_burst_of_429s_delays_but_never_loses_or_doubles_replies(stack: Stack) -> None:
    users = [5101, 5102, 5103, 5104]
    began = time.time()
    stack.client.fail_next("sendMessage", 3, retry_after=1)
    asked = {user: stack.client.send_text(f"hello from {user}", user_id=user)["message_id"] for user in users}
    for user in users:
        stack.client.wait_for_replies(user, after=asked[user], timeout=60)
    for user in users:
        assert len(stack.client.sent(user, after=asked[user], min_count=2, wait=1.0)) == 1
    failed = [call for call in stack.client.calls("sendMessage", since=began) if not call["ok"]]
    assert len(failed) >= 3 and {call["error_code"] for call in failed} == {429}


def test_telegram_unreachable_for_a_while_the_reply_comes_once_it_is_back(stack: Stack) -> None:
    stack.client.fail_next("sendMessage", 2, error_code=502)
    asked = stack.client.send_text("are you there?", user_id=5110)
    [reply] = stack.client.wait_for_replies(5110, after=asked["message_id"], timeout=60)
    assert reply["message"]["text"].strip()
    assert stack.client.sent(5110, after=reply["message"]["message_id"], wait=1.0) == []
    assert [call["error_code"] for call in stack.client.calls("sendMessage") if not call["ok"]][-2:] == [502, 502]
