"""The bad-input corpus: each case gets one clear reply or is ignored by design, and the bot keeps serving.

The corpus goes on in test_hostile_media.py (bombs, playlists, huge photos, in bounded memory) and in
test_webhook_and_access.py (forged webhook POSTs); here also an edited command and job JSON that does not fit the
schema, written straight to a queue as anyone who can reach Redis could.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image

from bot import texts
from emulator.client import EmulatorClient
from shared.celery_app import make_celery, shown_in_events
from shared.jobs import MAX_TEXT_CHARS, Job
from shared.skills import task_name
from tests.e2e.conftest import Stack
from tests.processes import wait_until

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[EmulatorClient, int], dict]
    expect: str | None  # text the one reply contains; None: no reply, by design


def text(value: str) -> Callable[[EmulatorClient, int], dict]:
    return lambda client, user: client.send_text(value, user_id=user)


def content(value: dict) -> Callable[[EmulatorClient, int], dict]:
    return lambda client, user: client.send_content(value, user_id=user)


def upload(kind: str, data: bytes, filename: str, mime: str) -> Callable[[EmulatorClient, int], dict]:
    return lambda client, user: client.send_file(kind, data, filename=filename, mime_type=mime, user_id=user)


def paste(client: EmulatorClient, user: int) -> dict:
    """100,000 characters pasted: Telegram delivers them as messages of up to 4096 characters."""
    words = "word " * 20_000
    pieces = [words[i:i + 4000] for i in range(0, len(words), 4000)]
    return [client.send_text(piece, user_id=user) for piece in pieces][0]


def edited(client: EmulatorClient, user: int) -> dict:
    original = client.send_text("a message I will edit", user_id=user)
    client.wait_for_replies(user, after=original["message_id"], timeout=60)
    last = client.sent(user)[-1]["message"]["message_id"]
    client.edit_text(user, original["message_id"], "the edited text")
    return {"message_id": last}


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (255, 0, 0, 128)).save(out, "WEBP")
    return out.getvalue()


ANSWERED = ""  # any non-empty reply
CASES = [
    Case("100,000 characters, pasted", paste, "✂️ Your message was very long"),
    Case("control characters", text("\x07\x1b[31mred\x1b[0m\x7f tab\tend"), ANSWERED),
    Case("right-to-left", text("مرحبا، كيف حالك اليوم؟"), ANSWERED),
    Case("emoji only", text("😀🎉👍🏽🇺🇦"), ANSWERED),
    Case("2,000 emoji", text("😀" * 2000), ANSWERED),
    Case("markdown specials", text("*bold* _it_ [link](http://x) `code` <b>html</b> \\ ~~ ||spoiler||"), ANSWERED),
    Case("combining marks", text("Z̴̡̢a̶l̷g̵o t̸e̷x̶t"), ANSWERED),
    Case("zero-width only", text("\u200b\u200c\u200d"), ANSWERED),
    Case("one 4,000-character word", text("a" * 4000), ANSWERED),
    Case("mixed scripts", text("Hello Привет 你好 नमस्ते שלום"), ANSWERED),
    Case("SQL-looking", text("'; DROP TABLE users; --"), ANSWERED),
    Case("JSON-looking", text('{"__class__": "os.system", "args": ["rm -rf /"]}'), ANSWERED),
    Case("a bare URL", text("https://example.com/?q=1&r=<2>"), ANSWERED),
    Case("unknown command", text("/frobnicate now"), texts.UNKNOWN_COMMAND.format(command="/frobnicate")),
    Case("unknown command for me", text("/frobnicate@pipegram_bot x"), "I don't know the command /frobnicate"),
    Case("sticker", upload("sticker", webp(), "s.webp", "image/webp"), "stickers"),
    Case("GIF", upload("animation", b"GIF89a" + bytes(32), "a.gif", "image/gif"), "GIFs"),
    Case("video", upload("video", bytes(64), "v.mp4", "video/mp4"), "videos"),
    Case("binary document", upload("document", bytes(range(256)), "blob.bin", "application/octet-stream"),
         ANSWERED),
    Case("location", content({"location": {"latitude": 48.85, "longitude": 2.35}}), "locations"),
    Case("venue", content({"venue": {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "Café",
                                     "address": "1 Rue"}, "location": {"latitude": 1.0, "longitude": 2.0}}),
         "locations"),
    Case("contact", content({"contact": {"phone_number": "+100", "first_name": "Ada"}}), "contacts"),
    Case("poll", content({"poll": {"id": "1", "question": "Tea?", "options": [
        {"persistent_id": "y", "text": "yes", "voter_count": 0},
        {"persistent_id": "n", "text": "no", "voter_count": 0}], "total_voter_count": 0,
        "is_closed": False, "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        "allows_revoting": True, "members_only": False}}),
         "polls"),
    Case("dice", content({"dice": {"emoji": "🎲", "value": 4}}), "dice"),
    Case("an update the bot cannot read", content({"poll": {"id": "2", "question": "no options field"}}), None),
    Case("edited message", edited, None),
    Case("forwarded text", lambda c, u: c.send_text("forwarded words", user_id=u, forward=True), ANSWERED),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_one_clear_reply_or_is_ignored(stack: Stack, case: Case) -> None:
    user = 20_000 + CASES.index(case)
    asked = case.send(stack.client, user)
    if case.expect is None:
        assert stack.client.sent(user, after=asked["message_id"], wait=2.0) == []
        return
    [reply] = stack.client.wait_for_replies(user, after=asked["message_id"], timeout=60)
    body = reply["message"].get("text") or ""
    assert body.strip() and case.expect in body
    assert stack.client.sent(user, after=reply["message"]["message_id"], wait=0.5) == []


def test_after_the_corpus_the_bot_and_worker_still_serve(stack: Stack) -> None:
    assert stack.bot.popen.poll() is None and stack.worker.popen.poll() is None
    asked = stack.client.send_text("still there?", user_id=29_999)
    [reply] = stack.client.wait_for_replies(29_999, after=asked["message_id"], timeout=60)
    assert reply["message"]["text"].strip()


def test_an_edited_translate_is_not_run_again(stack: Stack) -> None:
    user = 29_000
    asked = stack.client.send_text("/translate good morning to German", user_id=user)
    [translated] = stack.client.wait_for_replies(user, after=asked["message_id"], timeout=60)
    stack.client.edit_text(user, asked["message_id"], "/translate good night to French")
    # Updates are handled, and text jobs answered, in order: a job for the edit would be answered before this one.
    later = stack.client.send_text("/translate thank you to German", user_id=user)
    stack.client.wait_for_replies(user, after=later["message_id"], timeout=60)
    replies = stack.client.sent(user, after=translated["message"]["message_id"], wait=1.0)
    assert [reply["reply_to_message_id"] for reply in replies] == [later["message_id"]]
    # The reply claim would hide a second answer to the same message: the bot must not queue the job at all.
    assert stack.bot.log().count(f"skill=translate chat={user}") == 2


def valid_job(chat: int, message_id: int = 1) -> dict:
    return Job(skill="chat", chat_id=chat, user_id=chat, message_id=message_id, text="hello").encode()


def without(payload: dict, field: str) -> dict:
    return {key: value for key, value in payload.items() if key != field}


# Payloads that do not fit the schema, and the start of the reason the worker logs for each.
BAD_JOBS = {
    "an extra field": (lambda job: {**job, "run_as": "root"}, "run_as: Extra inputs are not permitted"),
    "a missing field": (lambda job: without(job, "message_id"), "message_id: Field required"),
    "oversized text": (lambda job: {**job, "text": "a" * (MAX_TEXT_CHARS + 1)}, "text: String should have at most"),
    "oversized file_id": (lambda job: {**job, "file_id": "f" * 100_000}, "file_id: String should have at most"),
    "an unknown option": (lambda job: {**job, "options": {"shell": "rm -rf /"}},
                          "options.shell: Extra inputs are not permitted"),
    "a chat id as text": (lambda job: {**job, "chat_id": str(job["chat_id"])}, "chat_id: Input should be"),
    "an unknown skill": (lambda job: {**job, "skill": "eval"}, "skill: Value error, not a skill"),
    "not an object": (lambda job: list(job.values()), "a job must be a JSON object, got list"),
}


@pytest.fixture(scope="module")
def queue(stack: Stack) -> Callable[[object], None]:
    """Put a payload on the chat skill's queue as the bot would, bypassing the bot."""
    app = make_celery(stack.redis_url)
    return lambda payload: app.send_task(task_name("chat"), args=[payload], queue="text",
                                         argsrepr=shown_in_events({}), kwargsrepr="{}")


def test_a_valid_job_written_straight_to_the_queue_is_answered(stack: Stack, queue: Callable[[object], None]) -> None:
    """The control for the cases below: what reaches the queue this way does reach the worker and the chat."""
    asked = stack.client.send_text("/help", user_id=29_100)  # Telegram knows the chat once its user wrote
    [helped] = stack.client.wait_for_replies(29_100, after=asked["message_id"], timeout=60)
    queue(valid_job(29_100, asked["message_id"]))
    [reply] = stack.client.wait_for_replies(29_100, after=helped["message"]["message_id"], timeout=60)
    assert reply["message"]["text"].strip()


@pytest.mark.parametrize("name", BAD_JOBS)
def test_a_job_that_does_not_fit_the_schema_is_rejected_and_logged(stack: Stack, queue: Callable[[object], None],
                                                                  name: str) -> None:
    chat = 29_101 + list(BAD_JOBS).index(name)
    first = stack.client.send_text("/help", user_id=chat)
    [helped] = stack.client.wait_for_replies(chat, after=first["message_id"], timeout=60)
    spoil, reason = BAD_JOBS[name]
    queue(spoil(valid_job(chat, first["message_id"])))
    wait_until(lambda: f"rejected a job that does not fit the schema ({reason}" in stack.worker.log(),
               "the worker logging the rejection", 60, stack.worker)
    assert stack.client.sent(chat, after=helped["message"]["message_id"], wait=1.0) == []  # no answer, no crash
    asked = stack.client.send_text("are you still there?", user_id=chat)
    assert stack.client.wait_for_replies(chat, after=asked["message_id"], timeout=60)
    assert stack.worker.popen.poll() is None
