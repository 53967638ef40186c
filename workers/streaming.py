"""An answer shown while the model writes it: drafts in a private chat, one edited message in a group.

The model's thread calls `show(text)` as often as it likes and never waits: an update goes out only when the
previous one is done, the chat's interval has passed (1 s private, 3 s in a group) and the shared send limiter
has a free slot now (`try_turn`; a skipped update is simply replaced by a later one). A 429 stops the stream:
the finished answer still goes out as a message, sent by the runner as for any skill.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from telegram import ReplyParameters
from telegram.error import RetryAfter, TelegramError

from shared.ratelimit import chat_interval
from shared.telegram import MAX_MESSAGE_UTF16, split_message, utf16_len

if TYPE_CHECKING:
    from workers.sender import TelegramSender

log = logging.getLogger(__name__)
FINISH_WAIT_S = 30  # the update in flight when the answer is done: how long to wait for it
# No preview in an answer's first second: one done sooner comes as one message, and a preview would take the
# chat's send slot and hold that message back by a second.
FIRST_UPDATE_AFTER_S = 1.0


class AnswerStream:
    """One job's answer, shown as it grows."""

    def __init__(self, sender: TelegramSender, chat_id: int, reply_to: int, on_start: Callable[[], None]) -> None:
        self.sender, self.chat_id, self.reply_to, self.on_start = sender, chat_id, reply_to, on_start
        self.private = chat_id > 0  # drafts exist only in private chats
        self.draft_id = reply_to or 1  # non-zero; one id per answer, so Telegram animates its updates
        self.message_id: int | None = None  # in a group: the message being edited
        self.shown = ""
        self.started = self.stopped = False
        self.next_at = time.monotonic() + FIRST_UPDATE_AFTER_S
        self.in_flight: Future[Any] | None = None
        self.lock = threading.Lock()

    def show(self, text: str) -> None:
        """Show the answer so far, if the chat may get an update now; never blocks the model."""
        if utf16_len(text) > MAX_MESSAGE_UTF16:
            text = split_message(text)[0]  # the first message's part; the rest appears in the final answer
        with self.lock:
            busy = self.in_flight is not None and not self.in_flight.done()
            if self.stopped or busy or time.monotonic() < self.next_at or not text.strip() or text == self.shown:
                return
            self.next_at = time.monotonic() + chat_interval(self.chat_id)
            self.in_flight = self.sender.submit(self._update(text))

    async def _update(self, text: str) -> None:
        if not await asyncio.to_thread(self.sender.may_send_now, self.chat_id):
            self.next_at = 0.0  # the slot was taken (a status edit, another answer): try at the next words
            return
        try:
            if self.private:
                await self.sender.bot.send_message_draft(self.chat_id, self.draft_id, text)
            elif self.message_id is None:
                sent = await self.sender.bot.send_message(
                    self.chat_id, text, reply_parameters=ReplyParameters(self.reply_to,
                                                                         allow_sending_without_reply=True))
                self.message_id = sent.message_id
            else:
                await self.sender.bot.edit_message_text(text, self.chat_id, self.message_id)
        except RetryAfter as exc:
            log.warning("chat %s: Telegram asked to slow down (%s); the answer will come as one message",
                        self.chat_id, exc.retry_after)
            self.stopped = True
            return
        except TelegramError as exc:
            log.info("chat %s: streaming update failed (%s); the answer will come as one message", self.chat_id, exc)
            self.stopped = True
            return
        self.shown = text
        if not self.started:
            self.started = True
            self.on_start()

    def finish(self, wait_s: float = FINISH_WAIT_S) -> int | None:
        """Stop updating and wait for the update in flight; in a group, the message to finish as the answer."""
        with self.lock:
            self.stopped = True
            in_flight = self.in_flight
        if in_flight is not None:
            try:
                in_flight.result(wait_s)
            except Exception as exc:  # the final answer goes out whatever happened to a preview
                log.info("chat %s: last streaming update failed (%s)", self.chat_id, exc)
        return self.message_id
