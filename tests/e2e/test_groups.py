"""In a group the bot answers only what is meant for it: a mention, a reply to it, or a command."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

GROUP = -100555


def test_a_group_message_is_answered_only_when_it_mentions_or_replies_to_the_bot(stack: Stack) -> None:
    client = stack.client
    username = "@" + client.state()["bot"]["username"]
    chatter = client.send_text("what a lovely day, everyone", chat_id=GROUP, user_id=5401, chat_title="Friends")
    unknown = client.send_text("/frobnicate", chat_id=GROUP, user_id=5402)
    assert client.sent(GROUP, after=unknown["message_id"], wait=2.0) == []
    assert client.sent(GROUP, after=chatter["message_id"], wait=0.1) == []

    asked = client.send_text(f"{username} hello there, bot", chat_id=GROUP, user_id=5401)
    [answer] = client.wait_for_replies(GROUP, after=asked["message_id"], timeout=60)
    assert answer["reply_to_message_id"] == asked["message_id"]

    follow_up = client.send_text("and one more thing", chat_id=GROUP, user_id=5402,
                                 reply_to_message_id=answer["message"]["message_id"])
    [second] = client.wait_for_replies(GROUP, after=follow_up["message_id"], timeout=60)
    assert second["reply_to_message_id"] == follow_up["message_id"]

    helped = client.send_text("/help", chat_id=GROUP, user_id=5403)
    [help_reply] = client.wait_for_replies(GROUP, after=helped["message_id"], timeout=30)
    assert "/translate" in help_reply["message"]["text"]
