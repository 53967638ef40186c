"""The Bot API side of the emulator, driven by a real PTB Bot over HTTP."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
import telegram
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, NetworkError, RetryAfter

from emulator import markup
from emulator.client import EmulatorClient, EmulatorError
from emulator.server import EmulatorThread
from tests.emulator.conftest import FIXED_TOKEN, USER, make_bot, with_bot

pytestmark = pytest.mark.timeout(60)


def test_initialize_gets_a_bot_user(emu: EmulatorThread, token: str) -> None:
    async def scenario(bot: telegram.Bot) -> telegram.User:
        return bot.bot
    me = with_bot(emu, token, scenario)
    assert me.is_bot and me.id == int(token.split(":")[0]) and me.username == "pipegram_bot"
    assert me.can_join_groups is not None and me.supports_inline_queries is not None


def test_updates_are_redelivered_until_a_higher_offset_confirms_them(emu: EmulatorThread, token: str,
                                                                   client: EmulatorClient) -> None:
    first = client.send_text("/start@pipegram_bot hi @someone", first_name="Ada")
    second = client.send_text("second")
    assert second["message_id"] == first["message_id"] + 1
    assert [e["type"] for e in first["entities"]] == ["bot_command", "mention"]
    assert first["entities"][0]["length"] == len("/start@pipegram_bot")

    async def scenario(bot: telegram.Bot) -> None:
        updates = await bot.get_updates()
        assert [u.message.text for u in updates] == ["/start@pipegram_bot hi @someone", "second"]
        assert updates[0].message.from_user.first_name == "Ada"
        again = await bot.get_updates(offset=updates[0].update_id)
        assert [u.update_id for u in again] == [u.update_id for u in updates]
        rest = await bot.get_updates(offset=updates[0].update_id + 1)
        assert [u.message.text for u in rest] == ["second"]
        assert await bot.get_updates(offset=rest[0].update_id + 1) == ()
    with_bot(emu, token, scenario)
    assert client.state()["pending_updates"] == 0


def test_long_poll_returns_as_soon_as_an_update_arrives(emu: EmulatorThread, token: str,
                                                        client: EmulatorClient) -> None:
    async def scenario(bot: telegram.Bot) -> tuple[float, tuple]:
        threading.Timer(0.3, lambda: client.send_text("wake up")).start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=10)
        return time.monotonic() - started, updates
    elapsed, updates = with_bot(emu, token, scenario)
    assert [u.message.text for u in updates] == ["wake up"]
    assert 0.2 < elapsed < 5


def test_sent_messages_are_listed_with_reply_and_keyboard(emu: EmulatorThread, token: str,
                                                          client: EmulatorClient) -> None:
    question = client.send_text("question")
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Yes", callback_data="yes")]])

    async def scenario(bot: telegram.Bot) -> telegram.Message:
        await bot.send_chat_action(USER, "typing")
        return await bot.send_message(USER, "answer", reply_parameters=telegram.ReplyParameters(
            question["message_id"]), reply_markup=keyboard)
    message = with_bot(emu, token, scenario)
    assert message.reply_to_message.text == "question" and message.reply_markup == keyboard
    [item] = client.sent(USER)
    assert item["method"] == "sendMessage" and item["message"]["text"] == "answer"
    assert item["reply_to_message_id"] == question["message_id"] and item["deleted"] is False
    assert item["message"]["message_id"] == question["message_id"] + 1
    assert [c["params"]["action"] for c in client.calls("sendChatAction")] == ["typing"]
    assert client.state()["chat_actions"][0]["action"] == "typing"


def test_sending_to_an_unknown_chat_fails(emu: EmulatorThread, token: str) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(777, "hello?")
    with_bot(emu, token, scenario)


def test_text_length_is_counted_in_utf16_units(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")

    async def scenario(bot: telegram.Bot) -> None:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, "😀" * 4096)
        await bot.send_message(USER, "😀" * 2048)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER, "   ")
        with pytest.raises(BadRequest, match="caption is too long"):
            await bot.send_document(USER, b"data", filename="a.txt", caption="x" * 1025)
    with_bot(emu, token, scenario)
    assert [len(i["message"]["text"]) for i in client.sent(USER)] == [2048]


def test_bad_markup_is_rejected_and_good_markup_is_stripped(emu: EmulatorThread, token: str,
                                                            client: EmulatorClient) -> None:
    client.send_text("hi")

    async def scenario(bot: telegram.Bot) -> None:
        for text, mode in (("<b>bold</i>", "HTML"), ("1 < 2", "HTML"), ("<x>?</x>", "HTML"),
                           ("Hello.", "MarkdownV2"), ("*open", "MarkdownV2"), ("_open", "Markdown")):
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.send_message(USER, text, parse_mode=mode)
        sent = await bot.send_message(USER, "<b>" + "a" * 4094 + "</b> &amp;", parse_mode="HTML")
        assert sent.text == "a" * 4094 + " &" and sent.entities[0].type == "bold"
        v2 = await bot.send_message(USER, "*bold* and `code` \\. [link](http://example.com)", parse_mode="MarkdownV2")
        assert v2.text == "bold and code . link"
        assert [e.type for e in v2.entities] == ["bold", "code", "text_link"]
    with_bot(emu, token, scenario)
    assert [i["parse_mode"] for i in client.sent(USER)] == ["HTML", "MarkdownV2"]


def test_markup_parsers_offsets_and_errors() -> None:
    text, entities = markup.parse("😀<i>x</i>", "HTML")
    assert text == "😀x" and entities == [{"type": "italic", "offset": 2, "length": 1}]
    assert markup.strip('<pre><code class="language-py">a &lt; b</code></pre>', "HTML") == "a < b"
    assert markup.strip("```python\nx = 1\n```", "MarkdownV2") == "x = 1\n"
    assert markup.strip("*b* _i_ [t](http://u)", "Markdown") == "b i t"
    assert markup.parse(">quoted\nplain", "MarkdownV2")[1] == [{"type": "blockquote", "offset": 0, "length": 6}]
    with pytest.raises(markup.MarkupError, match="reserved"):
        markup.parse("a-b", "MarkdownV2")
    with pytest.raises(markup.MarkupError, match="must have class"):
        markup.parse("<span>x</span>", "HTML")


def test_edits_and_deletes(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")

    async def scenario(bot: telegram.Bot) -> None:
        message = await bot.send_message(USER, "draft")
        edited = await bot.edit_message_text("final", USER, message.message_id)
        assert edited.text == "final" and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("final", USER, message.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", USER, 999)
        assert await bot.delete_message(USER, message.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(USER, message.message_id)
    with_bot(emu, token, scenario)
    [item] = client.sent(USER)
    assert item["message"]["text"] == "final" and item["edits"] == ["draft"] and item["deleted"] is True
    assert item["edited_at"] >= item["sent_at"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_injected_429s_surface_as_retry_after(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")
    client.fail_next("sendMessage", 2, retry_after=1)

    async def scenario(bot: telegram.Bot) -> None:
        for _ in range(2):
            with pytest.raises(RetryAfter):
                await bot.send_message(USER, "hello")
        await bot.send_message(USER, "hello")
    with_bot(emu, token, scenario)
    assert [(c["ok"], c["error_code"]) for c in client.calls("sendMessage")] == [(False, 429), (False, 429),
                                                                                  (True, None)]
    assert len(client.sent(USER)) == 1


def test_a_failure_for_the_nth_message_of_one_chat_spares_the_others(emu: EmulatorThread, token: str,
                                                                    client: EmulatorClient) -> None:
    other = USER + 1
    client.send_text("hi")
    client.send_text("hi", user_id=other)
    client.fail_next("sendMessage", chat_id=USER, after=2, error_code=502)

    async def scenario(bot: telegram.Bot) -> None:
        for n in range(2):
            await bot.send_message(USER, f"piece {n}")
            await bot.send_message(other, f"other {n}")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "piece 2")
        await bot.send_message(USER, "piece 2")
    with_bot(emu, token, scenario)
    assert [item["message"]["text"] for item in client.sent(USER)] == ["piece 0", "piece 1", "piece 2"]
    assert len(client.sent(other)) == 2


def test_a_user_who_blocked_the_bot_refuses_every_call_to_that_chat(emu: EmulatorThread, token: str,
                                                                      client: EmulatorClient) -> None:
    client.send_text("hi")
    client.block_bot(USER)

    async def scenario(bot: telegram.Bot) -> None:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(USER, "hello")
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_chat_action(USER, "typing")
        await bot.get_me()  # calls to no chat go through
    with_bot(emu, token, scenario)
    assert client.sent(USER) == []


def test_tokens_are_isolated(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    other_token = token.replace("test-token", "other-token")
    with EmulatorClient(emu.url, other_token) as other:
        client.send_text("for the first bot")
        assert other.state()["pending_updates"] == 0 and other.state()["chats"] == []

        async def scenario(bot: telegram.Bot) -> None:
            assert await bot.get_updates() == ()
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(USER, "not my chat")
        with_bot(emu, other_token, scenario)
        assert client.state()["pending_updates"] == 1 and other.sent() == []


def test_a_fixed_token_emulator_rejects_other_tokens(fixed_emu: EmulatorThread) -> None:
    async def wrong(bot: telegram.Bot) -> None:
        raise AssertionError("initialize should have failed")
    with pytest.raises(InvalidToken):
        with_bot(fixed_emu, "1:wrong", wrong)

    async def right(bot: telegram.Bot) -> int:
        return bot.id
    assert with_bot(fixed_emu, FIXED_TOKEN, right) == 4242
    with pytest.raises(EmulatorError, match="Unauthorized"):
        EmulatorClient(fixed_emu.url, "1:wrong").state()


def test_commands_round_trip(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        await bot.set_my_commands([("start", "Start"), ("help", "Help")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert await bot.get_my_commands(language_code="de") == ()
        with pytest.raises(BadRequest):
            await bot.set_my_commands([("Bad Command", "x")])
    with_bot(emu, token, scenario)
    assert [c["command"] for c in client.state()["commands"]] == ["start", "help"]


def test_reset_and_unknown_method(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")

    async def scenario(bot: telegram.Bot) -> None:
        assert (await bot.get_chat(USER)).first_name == "Test"
        with pytest.raises(EndPointNotFound):  # what PTB makes of Telegram's 404 "Not Found"
            await bot.do_api_request("noSuchMethod")
    with_bot(emu, token, scenario)
    client.reset()
    assert client.state()["chats"] == [] and client.state()["pending_updates"] == 0


def test_raw_http_encodings_and_error_shapes(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")
    base = f"{emu.url}/bot{token}"
    assert httpx.get(f"{base}/getme").json()["result"]["is_bot"] is True
    quoted = token.replace(":", "%3A")
    assert httpx.get(f"{emu.url}/bot{quoted}/getMe").json()["ok"] is True
    sent = httpx.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "json body"}).json()
    assert sent["result"]["text"] == "json body" and sent["result"]["date"] > 0
    query = httpx.get(f"{base}/sendMessage", params={"chat_id": str(USER), "text": "query"}).json()
    assert query["result"]["message_id"] == sent["result"]["message_id"] + 1
    bad = httpx.post(f"{emu.url}/botnot-a-token/getMe")
    assert bad.status_code == 401 and bad.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    client.fail_next("sendMessage", retry_after=7)
    limited = httpx.post(f"{base}/sendMessage", data={"chat_id": USER, "text": "x"})
    assert limited.status_code == 429
    assert limited.json()["parameters"] == {"retry_after": 7}
    assert limited.json()["description"] == "Too Many Requests: retry after 7"
    missing = httpx.get(f"{base}/noSuchMethod")
    assert missing.status_code == 404 and missing.json()["description"] == "Not Found"
    with pytest.raises(EmulatorError, match="404"):
        client.download("no-such-file")


def test_a_newer_long_poll_ends_the_older_one_with_conflict(emu: EmulatorThread, token: str,
                                                             client: EmulatorClient) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        older = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        # Recorded when it arrived, while its long poll is still held (tests wait on it for "the bot polls").
        assert [call["ok"] for call in client.calls("getUpdates")] == [True]
        async with make_bot(emu.url, token) as second_instance:  # PTB allows one poll per Bot
            newer = asyncio.create_task(second_instance.get_updates(timeout=1))
            with pytest.raises(Conflict, match="terminated by other getUpdates"):
                await asyncio.wait_for(older, 3)
            assert await newer == ()
    with_bot(emu, token, scenario)
    first, second = client.calls("getUpdates")
    assert (first["ok"], first["error_code"], second["ok"]) == (False, 409, True)


def test_message_drafts_follow_telegrams_rules_and_a_message_replaces_them(emu: EmulatorThread, token: str,
                                                                           client: EmulatorClient) -> None:
    client.send_text("hi")
    client.send_text("hi all", chat_id=-4242, user_id=USER)

    async def scenario(bot: telegram.Bot) -> None:
        assert await bot.send_message_draft(USER, 7, "Once upon")
        assert await bot.send_message_draft(USER, 7, "Once upon a time")
        with pytest.raises(BadRequest, match="private chats"):
            await bot.send_message_draft(-4242, 7, "no drafts in groups")
        with pytest.raises(BadRequest, match="(?i)draft_id"):
            await bot.send_message_draft(USER, 0, "zero")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message_draft(USER, 7, "x" * 4097)
        with pytest.raises(BadRequest, match="empty"):
            await bot.send_message_draft(USER, 7, "")
        [shown] = client.drafts(USER)
        assert (shown["draft_id"], shown["text"]) == (7, "Once upon a time")
        await bot.send_message(USER, "Once upon a time, the end.")
    with_bot(emu, token, scenario)
    [draft] = client.drafts(USER)
    assert draft["text"] == ""  # the sent message took its place
    calls = client.calls("sendMessageDraft")
    assert [c["ok"] for c in calls] == [True, True, False, False, False, False]
    assert [c["params"]["text"] for c in calls[:2]] == ["Once upon", "Once upon a time"]
