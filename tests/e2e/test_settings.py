"""/settings buttons, answer length, /stats for admins and German replies, through the emulator, bot, Redis and
a worker; one stack of their own (an admin configured, its own Redis database) whose bot is restarted once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bot import texts, texts_de, texts_zh
from emulator.client import EmulatorClient
from shared.keys import prefs_key
from tests.e2e.conftest import Stack, start_stack
from tests.processes import PIPEGRAM, start, wait_until
from workers import texts_zh as worker_texts_zh

pytestmark = pytest.mark.e2e

TOKEN = "898989:settings-test-token"
DB = 11  # no other test uses this Redis database
ADMIN = 9101


@pytest.fixture(scope="module")
def settings_stack(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    stack = start_stack("settings", TOKEN, emulator_url, f"{redis_url.rsplit('/', 1)[0]}/{DB}", log_dir,
                        cache=models_cache, ADMIN_USERS=str(ADMIN))
    yield stack
    stack.stop()


def ask(client: EmulatorClient, user_id: int, text: str, **fields: object) -> dict:
    """Send a message and return the bot's first reply to it (the whole Message)."""
    sent = client.send_text(text, user_id=user_id, **fields)
    return client.wait_for_replies(user_id, after=sent["message_id"], timeout=60)[0]["message"]


def buttons(message: dict) -> dict[str, str]:
    """Button label → callback data."""
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


def press(client: EmulatorClient, user_id: int, message: dict, data: str) -> tuple[dict, dict]:
    """Press a button and wait for its answer and the edit; returns (the answer, the edited message)."""
    since = time.time()
    query = client.press_button(user_id, user_id, message["message_id"], data)
    wait_until(lambda: "answer" in callback(client, query["id"]), "the callback answered", 30)
    answer = callback(client, query["id"])["answer"]
    client.sent(user_id, changed_since=since, wait=5)
    [edited] = [i["message"] for i in client.sent(user_id) if i["message"]["message_id"] == message["message_id"]]
    return answer, edited


def callback(client: EmulatorClient, query_id: str) -> dict:
    return next(q for q in client.state()["callback_queries"] if q["id"] == query_id)


def prefs(stack: Stack, user_id: int) -> dict[bytes, bytes]:
    return redis.Redis.from_url(stack.redis_url).hgetall(prefs_key(user_id))


def test_settings_buttons_save_the_setting_and_edit_the_message(settings_stack: Stack) -> None:
    client, user = settings_stack.client, 9201
    menu = ask(client, user, "/settings")
    assert menu["text"] == texts.SETTINGS.format(language="English", voice=texts.VOICE_REPLIES["off"],
                                                 length="normal")
    assert {"✅ English", "Deutsch", "中文", "🎙 + answer", "✅ 📝 Transcript", "📄 As a file", "Short", "✅ Normal",
            "Long"} <= set(buttons(menu))
    answer, edited = press(client, user, menu, buttons(menu)["Deutsch"])
    assert answer["text"] == texts.SETTING_SAVED and "✅ Deutsch" in buttons(edited)
    assert edited["text"] == texts.SETTINGS.format(language="German", voice=texts.VOICE_REPLIES["off"],
                                                   length="normal")
    press(client, user, edited, buttons(edited)["🎙 + answer"])
    _, edited = press(client, user, edited, buttons(edited)["Short"])
    assert edited["text"] == texts.SETTINGS.format(language="German", voice=texts.VOICE_REPLIES["on"], length="short")
    assert prefs(settings_stack, user) == {b"translate_to": b"deu_Latn", b"voice": b"on", b"answer_length": b"short"}
    # The same settings as /language and /voice, whichever way they were set.
    assert ask(client, user, "/voice")["text"] == texts.VOICE_USAGE.format(current="on")
    assert ask(client, user, "/language")["text"] == texts.LANGUAGE_NOW.format(name="German", code="deu_Latn")
    ask(client, user, "/language french")
    assert ask(client, user, "/settings")["text"] == texts.SETTINGS.format(
        language="French", voice=texts.VOICE_REPLIES["on"], length="short")
    answer, _ = press(client, user, edited, buttons(edited)["✅ Short"])  # already chosen: nothing to edit
    assert answer["text"] == texts.SETTING_SAVED


def test_a_stale_or_forged_button_is_answered_politely_and_changes_nothing(settings_stack: Stack,
                                                                           emulator_url: str) -> None:
    client, user = settings_stack.client, 9202
    ask(client, user, "/start")
    keyboard = {"inline_keyboard": [[{"text": "huge", "callback_data": "set:len:huge"},
                                     {"text": "old", "callback_data": "lang=fr"}]]}
    # A message as an older bot version might have left it in the chat.
    old = httpx.post(f"{emulator_url}/bot{TOKEN}/sendMessage",
                     json={"chat_id": user, "text": "old settings", "reply_markup": json.dumps(keyboard)}).json()
    for data in ("set:len:huge", "lang=fr"):
        query = client.press_button(user, user, old["result"]["message_id"], data)
        wait_until(lambda q=query: "answer" in callback(client, q["id"]), "the callback answered", 30)
        assert callback(client, query["id"])["answer"]["text"] == texts.SETTING_STALE
    assert prefs(settings_stack, user) == {}
    assert ask(client, user, "/settings")["text"].startswith("⚙️")


def test_answer_length_changes_how_long_the_chat_answers(settings_stack: Stack) -> None:
    client, words = settings_stack.client, {}
    for user, length in ((9211, "Short"), (9212, "Long")):
        menu = ask(client, user, "/settings")
        press(client, user, menu, buttons(menu)[length])
        words[length] = len(ask(client, user, "hello")["text"].split())
    # The tiny chat model answers up to 16 tokens normally: a quarter of that when short, twice when long.
    assert words["Short"] <= 8 < words["Long"]


def test_stats_for_admins_only(settings_stack: Stack) -> None:
    client = settings_stack.client
    ask(client, ADMIN, "hello")
    assert ask(client, 9221, "/stats")["text"] == texts.STATS_ONLY_ADMINS
    deadline = time.monotonic() + 30
    while "• chat: jobs " not in (report := ask(client, ADMIN, "/stats")["text"]):
        assert time.monotonic() < deadline, report
        time.sleep(0.5)
    assert report.startswith(texts.STATS_HEADER.format(keep=500)) and "settings@test" in report
    assert "Jobs waiting: text 0" in report


def test_german_apps_get_german_replies_and_commands(settings_stack: Stack, emulator_url: str) -> None:
    client, user = settings_stack.client, 9301
    assert ask(client, user, "/start", language_code="de")["text"] == texts_de.WELCOME.format(name="Test")
    assert ask(client, user, "/help", language_code="de-AT")["text"] == texts_de.HELP
    # The emulator's users say their language with every message, as Telegram's do.
    menu = ask(client, user, "/settings", language_code="de")
    assert menu["text"] == texts_de.SETTINGS.format(language="Deutsch", voice=texts_de.VOICE_REPLIES["off"],
                                                    length="normal")
    _, edited = press(client, user, menu, buttons(menu)["Lang"])
    assert edited["text"] == texts_de.SETTINGS.format(language="Deutsch", voice=texts_de.VOICE_REPLIES["off"],
                                                      length="lang")
    assert ask(client, user, "/stats", language_code="de")["text"] == texts_de.STATS_ONLY_ADMINS
    assert ask(client, 9302, "/start", language_code="fr")["text"] == texts.WELCOME.format(name="Test")
    commands = httpx.post(f"{emulator_url}/bot{TOKEN}/getMyCommands", json={"language_code": "de"}).json()["result"]
    assert [c["description"] for c in commands] == [about for _, about in texts_de.COMMANDS]
    assert "stats" not in [c["command"] for c in client.state()["commands"]]
    scope = json.dumps({"type": "chat", "chat_id": ADMIN})
    admin = httpx.post(f"{emulator_url}/bot{TOKEN}/getMyCommands", json={"scope": scope}).json()["result"]
    assert "stats" in [c["command"] for c in admin]


def test_chinese_apps_get_chinese_greeting_help_errors_settings_and_commands(settings_stack: Stack,
                                                                           emulator_url: str) -> None:
    client, user = settings_stack.client, 9401

    def ask_zh(text: str) -> dict:
        return ask(client, user, text, language_code="zh-hans")

    assert ask_zh("/start")["text"] == texts_zh.WELCOME.format(name="Test")
    assert ask_zh("/help")["text"] == texts_zh.HELP
    assert ask_zh("/frobnicate")["text"] == texts_zh.UNKNOWN_COMMAND.format(command="/frobnicate")
    assert ask_zh("/translate germn 你好")["text"] == texts_zh.UNKNOWN_LANGUAGE.format(
        words="germn", suggestion=texts_zh.DID_YOU_MEAN.format(names="德语"))
    # The workers' own messages too: a text already in the target language, and a language without a voice.
    assert ask_zh("/translate 中文 今天天气很好，我们去公园散步吧。")["text"] == worker_texts_zh.ALREADY_IN.format(
        language="中文")
    assert ask_zh("/say 今天天气很好，我们去公园散步吧。")["text"].startswith("🔇 我没有中文的声音")
    menu = ask_zh("/settings")
    assert menu["text"] == texts_zh.SETTINGS.format(language="中文", voice=texts_zh.VOICE_REPLIES["off"], length="正常")
    _, edited = press(client, user, menu, buttons(menu)["长"])
    assert edited["text"] == texts_zh.SETTINGS.format(language="中文", voice=texts_zh.VOICE_REPLIES["off"], length="长")
    commands = httpx.post(f"{emulator_url}/bot{TOKEN}/getMyCommands", json={"language_code": "zh"}).json()["result"]
    assert [c["description"] for c in commands] == [about for _, about in texts_zh.COMMANDS]


def test_settings_survive_a_bot_restart(settings_stack: Stack, log_dir: Path) -> None:
    client, user = settings_stack.client, 9231
    menu = ask(client, user, "/settings")
    _, menu = press(client, user, menu, buttons(menu)["Español"])
    press(client, user, menu, buttons(menu)["Long"])
    settings_stack.bot.stop()
    since = time.time()
    settings_stack.bot = start("settings-bot-again", [*PIPEGRAM, "bot"], log_dir,
                               {**settings_stack.env, "ADMIN_USERS": str(ADMIN)})
    wait_until(lambda: client.calls("getUpdates", since=since), "the new bot calling getUpdates", 60,
               settings_stack.bot)
    assert ask(client, user, "/settings")["text"] == texts.SETTINGS.format(
        language="Spanish", voice=texts.VOICE_REPLIES["off"], length="long")
