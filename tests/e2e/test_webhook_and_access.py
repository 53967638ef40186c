"""The bot in webhook mode, with ALLOWED_USERS: allowed users are answered, others refused once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot import texts
from tests.e2e.conftest import Stack, start_stack
from tests.processes import free_port

pytestmark = pytest.mark.e2e

ALLOWED, STRANGER = 7007, 8008
OUR_GROUP, OTHER_GROUP = -100700, -100800


@pytest.fixture(scope="module")
def hooked(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    port = free_port()
    db = redis_url.rsplit("/", 1)[0] + "/3"
    stack = start_stack("hook", "444444:webhook-token", emulator_url, db, log_dir, cache=models_cache,
                        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_LISTEN="127.0.0.1",
                        WEBHOOK_PORT=str(port), WEBHOOK_SECRET="s3cret-header", ALLOWED_USERS=f"{ALLOWED},1",
                        ALLOWED_GROUPS=str(OUR_GROUP))
    yield stack
    stack.stop()


def test_updates_arrive_by_webhook_and_are_answered(hooked: Stack) -> None:
    assert hooked.client.state()["webhook_url"].endswith("/telegram")
    hooked.client.send_text("hello there", user_id=ALLOWED)
    [reply] = hooked.client.wait_for_replies(ALLOWED, timeout=60)
    assert reply["message"]["text"].strip()
    assert not hooked.client.calls("getUpdates")


def test_a_stranger_is_refused_once_and_nothing_is_queued(hooked: Stack) -> None:
    first = hooked.client.send_text("let me in", user_id=STRANGER)
    [refusal] = hooked.client.wait_for_replies(STRANGER, timeout=30)
    assert refusal["message"]["text"] == texts.NOT_ALLOWED.format(user_id=STRANGER)
    assert refusal["message"]["message_id"] > first["message_id"]
    hooked.client.send_text("please?", user_id=STRANGER)
    hooked.client.send_text("/help", user_id=STRANGER)
    assert hooked.client.sent(STRANGER, after=refusal["message"]["message_id"], wait=2.0) == []
    r = redis.Redis.from_url(hooked.redis_url)
    assert r.llen("text") == 0
    assert f"chat={STRANGER}" not in hooked.worker.log() and f"chat={STRANGER}" not in hooked.bot.log()


def test_only_allowed_groups_are_served(hooked: Stack) -> None:
    mention = "@" + hooked.client.state()["bot"]["username"]
    ours = hooked.client.send_text(f"{mention} hello", chat_id=OUR_GROUP, user_id=ALLOWED)
    [answer] = hooked.client.wait_for_replies(OUR_GROUP, after=ours["message_id"], timeout=60)
    assert answer["reply_to_message_id"] == ours["message_id"]
    other = hooked.client.send_text(f"{mention} hello", chat_id=OTHER_GROUP, user_id=ALLOWED)
    [refusal] = hooked.client.wait_for_replies(OTHER_GROUP, after=other["message_id"], timeout=30)
    assert refusal["message"]["text"] == texts.GROUP_NOT_ALLOWED.format(chat_id=OTHER_GROUP)
    again = hooked.client.send_text(f"{mention} please", chat_id=OTHER_GROUP, user_id=ALLOWED)
    assert hooked.client.sent(OTHER_GROUP, after=again["message_id"], wait=2.0) == []
