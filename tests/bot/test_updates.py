"""Which updates the bot takes again, and which handlers an edit reaches."""

from __future__ import annotations

import asyncio

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from telegram import Bot, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationHandlerStop

from bot.app import build_application, ignore_edit
from bot.handlers import may_pass
from bot.updates import NotQueued
from shared.settings import Settings


def message_update(field: str, text: str, bot: Bot) -> Update:
    message = {"message_id": 7, "date": 1, "chat": {"id": 5, "type": "private"}, "text": text,
               "from": {"id": 5, "is_bot": False, "first_name": "U"}, "edit_date": 2,
               "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
    return Update.de_json({"update_id": 1, field: message}, bot)


@pytest.mark.parametrize("text", ["/translate french hello", "/summarize a b c", "/status", "/start", "/ask why",
                                  "/reset", "/find cats", "/say hi", "/voice on", "/settings", "/usage",
                                  "/allow 42", "hello there"])
def test_an_edited_message_reaches_no_handler(text: str) -> None:
    application = build_application(Settings(_env_file=None, telegram_bot_token="1:probe"))
    # What initialize() would learn from getMe: commands are matched against the bot's username.
    application.bot._bot_user = User(1, "Pipegram", is_bot=True, username="pipegram_bot")
    edited, new = message_update("edited_message", text, application.bot), message_update("message", text,
                                                                                            application.bot)
    def first_taker(update: Update) -> object:
        return next(h.callback for group in sorted(application.handlers) for h in application.handlers[group]
                    if h.check_update(update))

    # The first handler an edit meets stops all handling; a new message passes it by to the handlers of group 0.
    assert first_taker(edited) is ignore_edit, f"an edit of {text!r} would run again"
    with pytest.raises(ApplicationHandlerStop):
        asyncio.run(ignore_edit(edited, None))
    assert first_taker(new) is not ignore_edit
    assert [h for h in application.handlers[0] if h.check_update(new)]


@pytest.mark.parametrize("error", [NotQueued("x"), RedisConnectionError("down"), TimedOut(), NetworkError("502"),
                                   RetryAfter(5), OSError("reset")])
def test_failures_that_may_pass_leave_the_update_for_later(error: Exception) -> None:
    assert may_pass(error)


@pytest.mark.parametrize("error", [BadRequest("Message is too long"), Forbidden("bot was blocked by the user"),
                                   ValueError("a bug")])
def test_failures_that_would_repeat_are_answered_instead(error: Exception) -> None:
    assert not may_pass(error)
