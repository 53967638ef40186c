"""A user's text goes bot → Redis → Celery worker with a warm tiny model → reply, through the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis

from bot import texts
from shared.keys import history_key
from shared.telegram import utf16_len
from tests.e2e.conftest import Stack, stack_with_models
from tests.processes import wait_until

pytestmark = pytest.mark.e2e


def test_a_message_gets_one_reply_posted_by_the_worker(stack: Stack) -> None:
    sent = stack.client.send_text("hello there, how are you?", user_id=5001)
    [reply] = stack.client.wait_for_replies(5001, count=1, timeout=60)
    assert reply["method"] == "sendMessage"
    assert reply["message"]["text"].strip()
    assert reply["reply_to_message_id"] == sent["message_id"]
    wait_until(lambda: "chat=5001 answered" in stack.worker.log(), "the worker logging its answer", 10)
    assert "typing" in {call["params"].get("action") for call in stack.client.calls("sendChatAction")}
    assert stack.client.sent(5001, after=reply["message"]["message_id"], wait=1.0) == []


def test_start_and_help_say_what_the_bot_does(stack: Stack) -> None:
    stack.client.send_text("/start", user_id=5002, first_name="Ada")
    [welcome] = stack.client.wait_for_replies(5002, timeout=30)
    assert "Ada" in welcome["message"]["text"] and "/help" in welcome["message"]["text"]
    stack.client.send_text("/help", user_id=5002)
    [help_reply] = stack.client.wait_for_replies(5002, after=welcome["message"]["message_id"], timeout=30)
    assert "/reset" in help_reply["message"]["text"] and "Chat" in help_reply["message"]["text"]
    commands = stack.client.state()["commands"]
    assert {"help", "reset", "start"} <= {c["command"] for c in commands}


def test_the_chat_remembers_turns_until_reset(stack: Stack) -> None:
    r = redis.Redis.from_url(stack.redis_url)
    last = 0
    for text in ("first question", "second question"):
        stack.client.send_text(text, user_id=5003)
        [reply] = stack.client.wait_for_replies(5003, after=last, timeout=60)
        last = reply["message"]["message_id"]
    turns = [json.loads(t) for t in r.lrange(history_key(5003), 0, -1)]
    assert [(t["role"], t["content"]) for t in turns][::2] == [("user", "first question"), ("user", "second question")]
    assert [t["role"] for t in turns] == ["user", "assistant"] * 2

    stack.client.send_text("/reset", user_id=5003)
    [done] = stack.client.wait_for_replies(5003, after=last, timeout=30)
    assert done["message"]["text"] == texts.RESET_DONE
    assert r.exists(history_key(5003)) == 0

    stack.client.send_text("a fresh start", user_id=5003)
    stack.client.wait_for_replies(5003, after=done["message"]["message_id"], timeout=60)
    assert [json.loads(t)["content"] for t in r.lrange(history_key(5003), 0, 0)] == ["a fresh start"]


def test_a_10000_character_answer_arrives_in_ordered_pieces(emulator_url: str, redis_url: str, log_dir: Path,
                                                            models_cache: Path) -> None:
    # Its own Redis database, so its own queues: the shared worker cannot take the job.
    long = stack_with_models("long", "222222:long-reply-token", "[chat.generate]\nmax_new_tokens = 2400\n"
                             "min_new_tokens = 2400\n", 1, emulator_url, redis_url, log_dir, models_cache)
    long_redis = long.redis_url
    try:
        sent = long.client.send_text("tell me everything", user_id=6001)
        replies = long.client.wait_for_replies(6001, count=3, timeout=120)
        replies += long.client.sent(6001, after=replies[-1]["message"]["message_id"], wait=2.0)
    finally:
        long.stop()
    pieces = [item["message"]["text"] for item in replies]
    ids = [item["message"]["message_id"] for item in replies]
    assert ids == sorted(ids)
    assert all(utf16_len(piece) <= 4096 for piece in pieces)
    assert replies[0]["reply_to_message_id"] == sent["message_id"]
    answer = json.loads(redis.Redis.from_url(long_redis).lrange(history_key(6001), -1, -1)[0])["content"]
    assert len(answer) >= 10_000
    assert " ".join(pieces) == answer


def test_the_running_bot_has_no_torch_loaded(stack: Stack) -> None:
    maps = Path(f"/proc/{stack.bot.popen.pid}/maps").read_text()
    assert "torch" not in maps
