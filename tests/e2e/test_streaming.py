"""Answers that show while they are written, and many chats in one model call, through the whole stack.

Real: the bot, a text worker (Celery threads pool, the batcher), its own Redis, the emulator over HTTP, the tiny
chat model generating a few hundred tokens, and Debian's Chromium for the web chat.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from shared.keys import history_key
from tests.browser import chromium, send
from tests.e2e.conftest import Stack, stack_on_own_redis
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

STREAM_TOKEN = "131313:stream-token"
BATCH_TOKEN = "141414:batch-token"
GROUP = -7300


@pytest.fixture(scope="module")
def streaming(emulator_url: str, log_dir: Path, models_cache: Path, slower_chat: Path) -> Iterator[Stack]:
    """Answers of 400 tokens from a model slow enough to watch them grow (seconds, like a real one)."""
    with stack_on_own_redis("stream", STREAM_TOKEN, f'[chat]\nmodel = "{slower_chat}"\n'
                            "[chat.generate]\nmax_new_tokens = 400\nmin_new_tokens = 400\n",
                            emulator_url, log_dir, models_cache, queues=("text",)) as stack:
        yield stack


@pytest.fixture(scope="module")
def batching(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """Short answers (60 tokens), chat batch_size 16, and a batch window wide enough for a loaded machine."""
    with stack_on_own_redis("batch", BATCH_TOKEN, "[chat]\nbatch_size = 16\nbatch_window_ms = 300\n"
                            "[chat.generate]\nmax_new_tokens = 60\nmin_new_tokens = 60\n",
                            emulator_url, log_dir, models_cache, queues=("text",)) as stack:
        yield stack


def stored_answer(stack: Stack, chat: int) -> str:
    """The answer the chat skill remembered for this chat (its last assistant turn)."""
    turns = [json.loads(t) for t in redis.Redis.from_url(stack.redis_url).lrange(history_key(chat), 0, -1)]
    return [t["content"] for t in turns if t["role"] == "assistant"][-1]


def everything_sent(stack: Stack, chat: int, after: int) -> list[dict]:
    """All the bot sent to a chat after a message, waiting a moment for late duplicates."""
    return stack.client.sent(chat, after=after, min_count=99, wait=3)


def drafts_to(stack: Stack, chat: int, since: float) -> list[dict]:
    return [c for c in stack.client.calls("sendMessageDraft", since=since) if int(c["params"]["chat_id"]) == chat]


def assert_growing(texts: list[str]) -> None:
    for shorter, longer in zip(texts, texts[1:], strict=False):
        assert longer.startswith(shorter) and len(longer) > len(shorter), (shorter[-40:], longer[-40:])


def test_a_private_answer_grows_in_drafts_then_arrives_once(streaming: Stack) -> None:
    chat, began = 7101, time.time()
    asked = streaming.client.send_text("tell me a long story please", user_id=chat)
    streaming.client.wait_for_replies(chat, after=asked["message_id"], timeout=180)
    [final] = everything_sent(streaming, chat, asked["message_id"])
    answer = stored_answer(streaming, chat)
    assert final["method"] == "sendMessage" and final["message"]["text"] == answer
    assert len(answer.split()) >= 300  # a few hundred tokens
    drafts = [c for c in drafts_to(streaming, chat, began) if c["ok"]]
    assert len(drafts) >= 2, drafts
    texts = [c["params"]["text"] for c in drafts]
    assert_growing(texts)
    assert answer.startswith(texts[-1]) and len(texts[-1]) < len(answer)  # a preview, then the whole answer
    assert {c["params"]["draft_id"] for c in drafts} == {str(asked["message_id"])}  # one animated draft
    assert all(c["time"] < final["sent_at"] for c in drafts)  # no draft after the answer


def test_in_a_group_one_message_grows_by_edits_into_the_whole_answer(streaming: Stack) -> None:
    username = "@" + streaming.client.state()["bot"]["username"]
    began = time.time()
    asked = streaming.client.send_text(f"{username} tell everyone a long story", chat_id=GROUP, user_id=7201,
                                       chat_title="Story time")
    # The first update is already a message: wait for the job to finish, not for a message.
    wait_until(lambda: f"chat={GROUP} answered" in streaming.worker.log(), "the group's answer finished", 180)
    [reply] = everything_sent(streaming, GROUP, asked["message_id"])  # no second copy
    answer = stored_answer(streaming, GROUP)
    assert reply["message"]["text"] == answer
    assert reply["reply_to_message_id"] == asked["message_id"]
    assert reply["edits"], "the answer was not shown while it was written"
    assert_growing([*reply["edits"], answer])
    assert not drafts_to(streaming, GROUP, began)  # drafts are for private chats only
    edits = [c["time"] for c in streaming.client.calls("editMessageText", since=began)
             if int(c["params"]["chat_id"]) == GROUP]
    assert all(later - earlier > 2.5 for earlier, later in zip(edits, edits[1:], strict=False)), edits


def test_with_drafts_refused_by_429s_the_answer_arrives_exactly_once(streaming: Stack) -> None:
    chat, began = 7102, time.time()
    streaming.client.fail_next("sendMessageDraft", 100, retry_after=5)
    try:
        asked = streaming.client.send_text("another long story please", user_id=chat)
        streaming.client.wait_for_replies(chat, after=asked["message_id"], timeout=180)
        [final] = everything_sent(streaming, chat, asked["message_id"])
    finally:
        streaming.client.fail_next("sendMessageDraft", 0)
    assert final["message"]["text"] == stored_answer(streaming, chat)
    drafts = drafts_to(streaming, chat, began)
    assert [c["error_code"] for c in drafts] == [429]  # one refusal, then the stream stopped asking
    assert "Telegram asked to slow down" in streaming.worker.log()


def test_the_web_chat_shows_a_growing_draft_then_the_final_message(streaming: Stack, emulator_url: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 760, "height": 640})
        page.goto(f"{emulator_url}/?token={STREAM_TOKEN}")
        send(page, "tell me a story in the browser")
        draft = page.locator("#draft .text")
        draft.wait_for(timeout=120_000)
        first = draft.inner_text()
        wait_until(lambda: draft.count() and draft.inner_text() != first, "the draft growing", 30)
        assert draft.inner_text().startswith(first)
        final = page.locator(".msg.bot").last
        final.wait_for(timeout=120_000)
        page.locator("#draft").wait_for(state="detached", timeout=30_000)  # the message replaced the draft
        answer = stored_answer(streaming, 4101)  # the page's first user
        assert final.locator(".text").inner_text() == answer
        assert answer.startswith(first)


def test_sixteen_chats_at_once_share_model_calls_and_get_their_one_at_a_time_answers(batching: Stack) -> None:
    questions = [f"question {n} about the weather today" for n in range(16)]
    asked = [batching.client.send_text(q, user_id=7400 + n) for n, q in enumerate(questions)]
    for n, message in enumerate(asked):
        batching.client.wait_for_replies(7400 + n, after=message["message_id"], timeout=300)
    calls = [int(size) for size in re.findall(r"chat: one model call for (\d+) jobs", batching.worker.log())]
    assert sum(calls) == 16 and len(calls) < 16, calls
    together = [stored_answer(batching, 7400 + n) for n in range(16)]

    for n, question in enumerate(questions):  # the same questions again, each alone, from users with no history
        message = batching.client.send_text(question, user_id=7500 + n)
        batching.client.wait_for_replies(7500 + n, after=message["message_id"], timeout=120)
    calls = [int(size) for size in re.findall(r"chat: one model call for (\d+) jobs", batching.worker.log())]
    assert calls[-16:] == [1] * 16
    alone = [stored_answer(batching, 7500 + n) for n in range(16)]
    assert together == alone
    for n in range(16):  # and each user got exactly their own answer, once
        [reply] = everything_sent(batching, 7400 + n, asked[n]["message_id"])
        assert reply["message"]["text"] == together[n]
