"""Which updates the bot takes again, and which handlers an edit reaches."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from telegram import Bot, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.app import build_application
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
    handlers = application.handlers[0]
    assert not [h for h in handlers if h.check_update(edited)], f"an edit of {text!r} would run again"
    assert [h for h in handlers if h.check_update(new)]  # while a new message is handled


@pytest.mark.parametrize("error", [NotQueued("x"), RedisConnectionError("down"), TimedOut(), NetworkError("502"),
                                   RetryAfter(5), OSError("reset")])
def test_failures_that_may_pass_leave_the_update_for_later(error: Exception) -> None:
    assert may_pass(error)


@pytest.mark.parametrize("error", [BadRequest("Message is too long"), Forbidden("bot was blocked by the user"),
                                   ValueError("a bug")])
def test_failures_that_would_repeat_are_answered_instead(error: Exception) -> None:
    assert not may_pass(error)
