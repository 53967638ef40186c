"""Fault tests with real processes: whatever fails between a message and its answer, the user is answered once.

Each stack here is its own (fault injection must not reach other tests): a status message refused with a 429,
Redis gone before the job is stored, a user who blocked the bot, a reply Telegram refuses, a job past its hard
time limit, a crash between a reply and its follow-up, a failure on one piece of a long answer.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bot.updates import UPDATE_DEADLINE_S
from pipegram.samples import sounds
from shared.keys import history_key, job_outcomes_key, waiting_key
from tests.e2e.conftest import Stack, stack_on_own_redis, start_stack
from tests.processes import Process, free_port, pool_child_pid, start_redis, wait_until
from workers.texts import NOT_DELIVERED, TOO_SLOW

pytestmark = pytest.mark.e2e


def answers(stack: Stack, chat: int, after: int, count: int = 1, timeout: float = 90) -> list[dict]:
    """What the user of a chat is left with after a message, once at least count answers are there and no status
    message is: waiting a moment more for late duplicates."""
    def kept() -> list[dict]:
        return [item for item in stack.client.sent(chat, after=after) if not item.get("deleted")]

    def settled() -> bool:
        left = kept()
        return len(left) >= count and not any(is_status(item) for item in left)
    wait_until(settled, f"{count} answers in chat {chat} and no status message", timeout)
    time.sleep(2.5)
    return kept()


def is_status(item: dict) -> bool:
    return (item["message"].get("text") or "").startswith(("⏳", "⚙️"))


def calls_to(stack: Stack, method: str, chat: int) -> list[dict]:
    return [call for call in stack.client.calls(method) if str(call["params"].get("chat_id")) == str(chat)]


def own_stack(name: str, emulator_url: str, log_dir: Path, cache: Path, models_toml: str = "",
              **options: Any) -> AbstractContextManager[Stack]:
    """A stack on a Redis of its own, with tiny models configured by models_toml; stopped, Redis too, after."""
    return stack_on_own_redis(name, f"{sum(map(ord, name))}:{name}-token", models_toml, emulator_url, log_dir, cache,
                              **options)


@pytest.fixture(scope="module")
def lossy(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[tuple[Stack, list[Process]]]:
    """A text-only stack on a Redis of its own (to kill), status messages always on, metrics endpoints on."""
    redis_proc, url = start_redis(log_dir)
    ports = {"PIPEGRAM_METRICS_PORT": str(free_port()), "PIPEGRAM_WORKER_METRICS_PORT": str(free_port()),
             "PIPEGRAM_METRICS_LISTEN": "127.0.0.1", "PIPEGRAM_STATUS_AFTER_S": "0"}
    stack = start_stack("lossy", "717171:lossy-token", emulator_url, url, log_dir, cache=models_cache,
                        shared_env=ports, queues=("text",))
    holder = [redis_proc]
    yield stack, holder
    stack.stop()
    holder[0].stop()


def test_a_429_on_the_status_message_still_queues_the_job(lossy: tuple[Stack, list[Process]]) -> None:
    stack, user = lossy[0], 7101
    stack.client.fail_next("sendMessage", chat_id=user, error_code=429, retry_after=30)  # the status message
    asked = stack.client.send_text("hello, are you busy?", user_id=user)
    [answer] = answers(stack, user, asked["message_id"])
    assert answer["reply_to_message_id"] == asked["message_id"] and answer["message"]["text"].strip()
    assert "no status message" in stack.bot.log()


def test_a_user_who_blocked_the_bot_costs_one_attempt_and_no_retries(lossy: tuple[Stack, list[Process]]) -> None:
    stack, user = lossy[0], 7102
    stack.client.block_bot(user)
    refused_before = stack.worker.log().count("refused the reply for good")
    stack.client.send_text("hello?", user_id=user)
    wait_until(lambda: stack.worker.log().count("refused the reply for good") > refused_before,
               "the worker giving up on the blocked chat", 90, stack.worker)
    time.sleep(3)  # room for a wrong retry to show
    # One status message (from the bot) and one reply (from the worker), both refused; nothing retried.
    assert [call["error_code"] for call in calls_to(stack, "sendMessage", user)] == [403, 403]
    log = stack.worker.log()
    assert f"chat={user} started (attempt 1)" in log and f"chat={user} started (attempt 2)" not in log
    assert int(redis.Redis.from_url(stack.redis_url).hget(job_outcomes_key("chat"), "undeliverable") or 0) >= 1


def test_a_reply_telegram_refuses_becomes_a_plain_notice_without_rerunning(lossy: tuple[Stack, list[Process]]) -> None:
    stack, user = lossy[0], 7103
    # The first message is the status message; the second, the reply, is refused for good.
    stack.client.fail_next("sendMessage", chat_id=user, after=1, error_code=400,
                           description="Bad Request: message is too long")
    asked = stack.client.send_text("tell me something", user_id=user)
    assert [item["message"]["text"] for item in answers(stack, user, asked["message_id"])] == [NOT_DELIVERED]
    assert stack.worker.log().count(f"chat={user} started") == 1


def test_an_edited_translate_is_not_run_again(lossy: tuple[Stack, list[Process]]) -> None:
    stack, user = lossy[0], 7104
    asked = stack.client.send_text("/translate french good morning", user_id=user)
    answers(stack, user, asked["message_id"])
    stack.client.edit_text(user, asked["message_id"], "/translate german good evening")
    wait_until(lambda: stack.client.state()["pending_updates"] == 0, "the bot taking the edit", 30)
    assert len(answers(stack, user, asked["message_id"])) == 1
    assert stack.bot.log().count(f"skill=translate chat={user}") == 1


def test_no_request_path_scans_the_keyspace(lossy: tuple[Stack, list[Process]]) -> None:
    stack, user = lossy[0], 7105
    seen: list[str] = []
    monitor = threading.Thread(target=watch_commands, args=(stack.redis_url, seen), daemon=True)
    monitor.start()
    wait_until(lambda: seen, "MONITOR streaming commands", 10)
    for text in ("what is a cat?", "/status"):
        asked = stack.client.send_text(text, user_id=user)
        answers(stack, user, asked["message_id"])
    for port in (stack.env["PIPEGRAM_METRICS_PORT"], stack.env["PIPEGRAM_WORKER_METRICS_PORT"]):
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    time.sleep(1)
    commands = [line.split()[0].strip('"').upper() for line in list(seen)]
    assert "ZRANGEBYSCORE" in commands  # the workers registry was read, and MONITOR saw it
    assert not [c for c in commands if c in ("SCAN", "KEYS")], "a request path scanned the keyspace"
    assert redis.Redis.from_url(stack.redis_url).scard(waiting_key(user)) == 0


def watch_commands(url: str, seen: list[str]) -> None:
    """Every command Redis runs (MONITOR), as its text, appended to seen until Redis goes away."""
    try:
        with redis.Redis.from_url(url).monitor() as monitor:
            for event in monitor.listen():
                seen.append(event["command"])
    except (redis.RedisError, OSError):
        return


def test_redis_down_before_enqueue_the_message_comes_again(lossy: tuple[Stack, list[Process]],
                                                            log_dir: Path) -> None:
    stack, holder = lossy
    user = 7106
    port = int(stack.redis_url.rsplit(":", 1)[1].split("/")[0])
    holder[0].popen.send_signal(signal.SIGKILL)
    holder[0].popen.wait()
    refused_before = stack.bot.log().count("not queued")
    began = time.monotonic()
    asked = stack.client.send_text("are you there?", user_id=user)
    # The update loop gives up on the update within its deadline (Redis retries do not stall it for minutes).
    wait_until(lambda: stack.bot.log().count("not queued") > refused_before, "the bot leaving it unconfirmed",
               UPDATE_DEADLINE_S + 30, stack.bot)
    assert time.monotonic() - began < UPDATE_DEADLINE_S + 30
    holder[0], _ = start_redis(log_dir, port=port)
    assert len(answers(stack, user, asked["message_id"], timeout=180)) == 1


@pytest.fixture(scope="module")
def stuck(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """Chat answers far longer than their 2-second time limit; status messages always on."""
    # batch_size 1: chat on the prefork worker, whose parent enforces the hard limit.
    with own_stack("stuck", emulator_url, log_dir, models_cache, "[chat]\nbatch_size = 1\ntime_limit = 2\n"
                   "[chat.generate]\nmax_new_tokens = 3000\nmin_new_tokens = 3000\n",
                   shared_env={"PIPEGRAM_STATUS_AFTER_S": "0"}, queues=("text",)) as stack:
        yield stack


def test_a_job_killed_at_its_hard_time_limit_is_answered_and_its_status_removed(stuck: Stack) -> None:
    user = 7201
    asked = stuck.client.send_text("tell me a very long story", user_id=user)
    wait_until(lambda: f"chat={user} started (attempt 1)" in stuck.worker.log(), "the job starting", 60,
               stuck.worker)
    # A process the soft limit cannot interrupt (stuck in native code): only the hard limit ends it.
    os.kill(pool_child_pid(stuck.worker, "chat"), signal.SIGSTOP)
    left = answers(stuck, user, asked["message_id"], timeout=150)  # no status message left
    assert [item["message"]["text"] for item in left] == [TOO_SLOW]
    assert left[0]["reply_to_message_id"] == asked["message_id"]
    assert stuck.client.sent(user, after=asked["message_id"])[0]["deleted"]  # the status message, removed
    assert "hit its hard time limit" in stuck.worker.log()


@pytest.fixture(scope="module")
def crashy(emulator_url: str, log_dir: Path, models_cache: Path, tmp_path_factory) -> Iterator[tuple[Stack, Path]]:
    """Text and speech on one worker whose first chat job with a follow-up dies right after its reply."""
    marker = tmp_path_factory.mktemp("crash") / "crashed"
    # batch_size 1: chat in a prefork pool child, which the crash kills and its parent replaces.
    with own_stack("crashy", emulator_url, log_dir, models_cache, "[chat]\nbatch_size = 1\n", queues=("text", "speech"),
                   shared_env={"PIPEGRAM_TEST_CRASH_MARKER": str(marker)},
                   worker_command=(sys.executable, "-m", "tests.e2e.crash_before_followups")) as stack:
        yield stack, marker


def test_a_crash_between_reply_and_follow_up_still_speaks_once(crashy: tuple[Stack, Path]) -> None:
    stack, marker = crashy
    user = 7301
    switched = stack.client.send_text("/voice on", user_id=user)
    stack.client.wait_for_replies(user, after=switched["message_id"], timeout=30)
    voice = stack.client.send_file("voice", sounds.spoken("hello there, tell me about cats"), filename="v.ogg",
                                   mime_type="audio/ogg", user_id=user, duration=3)
    heard, answer, spoken = answers(stack, user, voice["message_id"], count=3, timeout=240)
    assert marker.exists(), "the injected crash did not happen"
    assert heard["message"]["text"].startswith("🗣 ") and answer["method"] == "sendMessage"
    assert spoken["method"] == "sendVoice"


@pytest.fixture(scope="module")
def lengthy(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """Chat answers of about 19,000 characters: five messages."""
    with own_stack("lengthy", emulator_url, log_dir, models_cache, "[chat]\ntime_limit = 900\n[chat.generate]\n"
                   "max_new_tokens = 3300\nmin_new_tokens = 3300\n", queues=("text",)) as stack:
        yield stack


def test_a_failure_on_piece_three_resends_only_the_rest(lengthy: Stack) -> None:
    user = 7401
    lengthy.client.fail_next("sendMessage", chat_id=user, after=2, error_code=502)
    asked = lengthy.client.send_text("tell me everything", user_id=user)
    wait_until(lambda: "Telegram did not take the reply" in lengthy.worker.log(), "piece 3 failing", 900,
               lengthy.worker)
    answer = json.loads(redis.Redis.from_url(lengthy.redis_url).lrange(history_key(user), -1, -1)[0])["content"]
    pieces = answers(lengthy, user, asked["message_id"], count=5, timeout=120)
    texts = [item["message"]["text"] for item in pieces]
    assert len(texts) >= 5 and " ".join(texts) == answer  # every piece once, in order
    assert pieces[0]["reply_to_message_id"] == asked["message_id"]
    sends = calls_to(lengthy, "sendMessage", user)
    assert [call["ok"] for call in sends] == [True, True, False, *([True] * (len(texts) - 2))]
    assert "(model 0.000 s)" in lengthy.worker.log()  # the retry sent the rest without running the model again
