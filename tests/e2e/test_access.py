"""Who may use the bot, and how much, through the emulator, the real bot, a worker and a Redis of their own:
/allow and /deny apply at once, strangers get nothing queued, and a used-up quota says when it resets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bot import texts, texts_de
from emulator.client import EmulatorClient
from tests import sounds
from tests.e2e.conftest import Stack, start_stack
from tests.processes import start_redis

pytestmark = pytest.mark.e2e

TOKEN = "565656:access-token"
ADMIN, MEMBER, NEWCOMER, OTHER = 5501, 5502, 5503, 5504
RESETS = re.compile(r"More in (\d+ h )?\d+ min, when the daily limits reset \(00:00 UTC\)")


@pytest.fixture(scope="module")
def guarded(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """A bot private to MEMBER (ALLOWED_USERS), with ADMIN, two chat messages and one audio minute a day;
    its worker serves only the text skills."""
    redis_proc, url = start_redis(log_dir)
    try:
        stack = start_stack("access", TOKEN, emulator_url, url, log_dir, cache=models_cache, queues=("text",),
                            ADMIN_USERS=str(ADMIN), ALLOWED_USERS=str(MEMBER), PIPEGRAM_QUOTA_MESSAGES="2",
                            PIPEGRAM_QUOTA_AUDIO_MINUTES="1")
        yield stack
        stack.stop()
    finally:
        redis_proc.stop()


def say(client: EmulatorClient, user_id: int, text: str, count: int = 1, **fields: object) -> list[str]:
    """Send a message; the texts of the bot's next `count` messages to that user."""
    sent = client.send_text(text, user_id=user_id, **fields)
    return [item["message"].get("text", "") for item in
            client.wait_for_replies(user_id, count, after=sent["message_id"], timeout=90)]


def queued_for(stack: Stack, user_id: int) -> int:
    """Jobs the bot queued for this user's chat, from its log."""
    return stack.bot.log().count(f"chat={user_id}\n")


def test_strangers_get_nothing_queued_and_allow_and_deny_apply_at_once(guarded: Stack) -> None:
    client, r, bot_pid = guarded.client, redis.Redis.from_url(guarded.redis_url), guarded.bot.popen.pid
    assert say(client, NEWCOMER, "hello?", username="NewComer") == [texts.NOT_ALLOWED.format(user_id=NEWCOMER)]
    assert say(client, MEMBER, "/allow 1") == [texts.ACCESS_ONLY_ADMINS]

    assert say(client, ADMIN, "/allow @newcomer") == [texts.ACCESS_ALLOWED.format(user=f"@NewComer ({NEWCOMER})")]
    answers = say(client, NEWCOMER, "hello again", count=2)  # the answer, and a note: one message left today
    assert texts.NOT_ALLOWED.format(user_id=NEWCOMER) not in answers and all(text.strip() for text in answers)
    assert queued_for(guarded, NEWCOMER) == 1

    assert say(client, ADMIN, f"/deny {NEWCOMER}") == [texts.ACCESS_DENIED.format(user=f"@NewComer ({NEWCOMER})")]
    assert say(client, NEWCOMER, "and now?") == [texts.NOT_ALLOWED.format(user_id=NEWCOMER)]
    quiet = client.send_text("still there?", user_id=NEWCOMER)
    assert client.sent(NEWCOMER, after=quiet["message_id"], wait=2.0) == []  # told once
    assert queued_for(guarded, NEWCOMER) == 1 and r.llen("text") == 0

    assert say(client, ADMIN, "/allow @ghost") == [texts.ACCESS_UNKNOWN_USERNAME.format(name="@ghost")]
    [listing] = say(client, ADMIN, "/allow")
    assert listing.startswith(texts.ACCESS_PRIVATE.format(allowed=str(MEMBER), denied=f"@NewComer ({NEWCOMER})"))
    assert guarded.bot.popen.pid == bot_pid and guarded.bot.popen.poll() is None  # no restart


def test_allow_everyone_opens_the_bot_and_deny_everyone_closes_it(guarded: Stack) -> None:
    client = guarded.client
    assert say(client, OTHER, "hi") == [texts.NOT_ALLOWED.format(user_id=OTHER)]
    assert say(client, ADMIN, "/allow everyone") == [texts.ACCESS_OPENED.format(denied=1)]
    answers = say(client, OTHER, "hi again", count=2)
    assert texts.NOT_ALLOWED.format(user_id=OTHER) not in answers
    assert say(client, NEWCOMER, "me too?") == [texts.NOT_ALLOWED.format(user_id=NEWCOMER)]  # still denied
    assert say(client, ADMIN, "/deny everyone") == [texts.ACCESS_CLOSED.format(count=1)]
    assert say(client, OTHER, "and now?") == [texts.NOT_ALLOWED.format(user_id=OTHER)]


def test_a_quota_runs_out_and_the_user_hears_when_it_resets(guarded: Stack) -> None:
    client, r = guarded.client, redis.Redis.from_url(guarded.redis_url)
    first = say(client, MEMBER, "hello", count=2)  # the answer, and a note: one message left today
    [note] = [text for text in first if text.startswith("ℹ️")]
    assert note.startswith("ℹ️ 1 of your 2 daily messages left; they reset in ")
    say(client, MEMBER, "and another thing")
    [refusal] = say(client, MEMBER, "one more?")
    assert refusal.startswith(texts.QUOTA_REACHED.split("{")[0] + "2 of today's messages.") and RESETS.search(refusal)
    assert queued_for(guarded, MEMBER) == 2 and r.llen("text") == 0

    voice = client.send_file("voice", sounds.encode(sounds.tone(1.0), 48_000), filename="v.ogg",
                             mime_type="audio/ogg", user_id=MEMBER, duration=90)
    [too_long] = client.wait_for_replies(MEMBER, after=voice["message_id"], timeout=30)
    assert too_long["message"]["text"].startswith("⛔ That recording is 1.5 min long, and you have 1 of today's 1")
    assert r.llen("speech") == 0 and queued_for(guarded, MEMBER) == 2

    [usage] = say(client, MEMBER, "/usage")
    assert "💬 Messages: 2 of 2 used, 0 left" in usage and "🎙 Audio minutes: 0 of 1 used, 1 left" in usage
    assert re.search(r"The daily limits reset in (\d+ h )?\d+ min \(00:00 UTC\)", usage)
    [stats] = say(client, ADMIN, "/stats")
    assert f"• 💬 Messages: 4 by 3 user(s), limit 2, 1 reached it; most: {MEMBER} 2, " in stats


def test_admins_alone_see_their_commands_in_help_and_in_their_menu(guarded: Stack, emulator_url: str) -> None:
    client = guarded.client
    assert say(client, ADMIN, "/help") == [texts.HELP + texts.ADMIN_HELP]
    assert say(client, MEMBER, "/help") == [texts.HELP]
    public = [c["command"] for c in client.state()["commands"]]
    scope = json.dumps({"type": "chat", "chat_id": ADMIN})
    admins = httpx.post(f"{emulator_url}/bot{TOKEN}/getMyCommands", json={"scope": scope, "language_code": "de"})
    assert "usage" in public and not {"stats", "allow", "deny"} & set(public)
    assert [c["description"] for c in admins.json()["result"]][-3:] == [about for _, about in texts_de.ADMIN_COMMANDS]
