"""The bot in webhook mode, with ALLOWED_USERS: allowed users are answered, others refused once, and a POST
without Telegram's secret header is refused (part of the bad-input corpus)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bot import texts
from emulator.client import EmulatorClient
from tests.e2e.conftest import Stack, start_stack
from tests.processes import PIPEGRAM, free_port, start, wait_until

pytestmark = pytest.mark.e2e

ALLOWED, STRANGER = 7007, 8008
OUR_GROUP, OTHER_GROUP = -100700, -100800
VICTIM = 9009  # a chat a forged update would make the bot post to


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


def webhook_url(stack: Stack) -> str:
    return stack.client.state()["webhook_url"]


def forged_update(update_id: int, text: str) -> dict:
    """An update claiming to come from an allowed user, in a chat of the forger's choosing."""
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_700_000_000, "text": text, "chat": {"id": VICTIM, "type": "private"},
        "from": {"id": ALLOWED, "is_bot": False, "first_name": "Not Really"}}}


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
    # A job would leave keys naming the stranger (its waiting entry, its reply claim) long after the worker ran it.
    assert list(redis.Redis.from_url(hooked.redis_url).scan_iter(f"*{STRANGER}*")) == []
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


@pytest.mark.parametrize("header", [None, "", "wrong-secret", "s3cret-header-but-longer"],
                         ids=["no header", "empty", "wrong", "prefix"])
def test_a_forged_webhook_post_is_refused_and_runs_nothing(hooked: Stack, header: str | None) -> None:
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    response = httpx.post(webhook_url(hooked), json=forged_update(900_000, "/translate forged to German"),
                          headers=headers, timeout=30)
    assert response.status_code == 403
    assert hooked.client.sent(VICTIM, wait=3.0) == []
    assert "refused a webhook POST without the secret header" in hooked.bot.log()
    asked = hooked.client.send_text("still serving?", user_id=ALLOWED)  # the real Telegram still gets through
    assert hooked.client.wait_for_replies(ALLOWED, after=asked["message_id"], timeout=60)


def test_without_webhook_secret_the_bot_makes_one_and_gives_it_to_telegram(
        emulator_url: str, redis_url: str, log_dir: Path) -> None:
    """No worker here: a job the bot stores stays on its queue, where the test counts it."""
    port, token, db = free_port(), "444555:webhook-no-secret", redis_url.rsplit("/", 1)[0] + "/15"
    queue = redis.Redis.from_url(db)  # database 15: no other test uses it
    client = EmulatorClient(emulator_url, token)
    client.reset()
    bot = start("hook-nosecret-bot", [*PIPEGRAM, "bot"], log_dir, {
        "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": emulator_url, "REDIS_URL": db, "PIPEGRAM_MODELS": "tiny",
        "PIPEGRAM_METRICS_PORT": "0", "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port), "WEBHOOK_SECRET": ""})
    try:
        wait_until(lambda: client.calls("setWebhook"), "the bot calling setWebhook", 60, bot)
        secret = client.calls("setWebhook")[-1]["params"]["secret_token"]
        assert len(secret) >= 32
        forged = httpx.post(f"http://127.0.0.1:{port}/hook", json=forged_update(1, "hello"), timeout=30)
        assert forged.status_code == 403 and queue.llen("text") == 0
        client.send_text("a real update", user_id=ALLOWED)  # the emulator sends the header, as Telegram does
        wait_until(lambda: queue.llen("text") == 1, "the real update's job on its queue", 60, bot)
        assert secret not in bot.log()
    finally:
        bot.stop()
        client.close()
