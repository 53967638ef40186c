"""Posting to Telegram from a synchronous Celery child: one PTB Bot on one event loop in a thread."""

from __future__ import annotations

import asyncio
import functools
import logging
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
from telegram import File, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, RetryAfter, TelegramError

from shared.ratelimit import SendRateLimiter
from shared.settings import Settings
from shared.telegram import MAX_CAPTION_UTF16, MAX_DOWNLOAD_BYTES, make_bot, split_message, utf16_len
from workers import metrics
from workers.skill import Attachment, FileTooBig, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_SEND_ATTEMPTS = 5


class DownloadFailed(Exception):
    """The Bot API server (or the file server beside it) did not hand over a file it listed."""


class TelegramSender:
    """Sends replies; the loop thread lets chat actions refresh while the model runs."""

    def __init__(self, settings: Settings, limiter: SendRateLimiter | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="telegram-sender", daemon=True).start()
        self.bot = make_bot(settings)
        self.download_limit = settings.download_limit_bytes
        self.limiter = limiter
        self._initialized = False

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        """Run a Bot API coroutine on the sender's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(self._initialized_first(coro), self.loop).result(timeout)

    async def _initialized_first(self, coro: Coroutine[Any, Any, T]) -> T:
        # Lazily, so a worker starts (and keeps its models warm) while Telegram is unreachable.
        if not self._initialized:
            try:
                await self.bot.initialize()
            except BaseException:
                coro.close()
                raise
            self._initialized = True
        return await coro

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Start a Bot API coroutine on the sender's loop without waiting for it."""
        return asyncio.run_coroutine_threadsafe(self._initialized_first(coro), self.loop)

    def may_send_now(self, chat_id: int) -> bool:
        """Take a send slot for this chat if one is free now (an update that may be skipped, never queued)."""
        return self.limiter is None or self.limiter.try_turn(chat_id)

    def send_reply(self, chat_id: int, reply: Reply, reply_to: int | None = None, *, done: int = 0,
                   sent_one: Callable[[int], object] = lambda count: None,
                   editing: int | None = None) -> list[Message]:
        """Send a reply's text split to Telegram's limit, then its files; the first message answers reply_to.

        The first `done` messages went out before (a retry); sent_one(n) is told after each of the others.
        `editing`: a message already showing the start of this answer (streamed in a group) becomes its first part.
        """
        pieces = split_message(reply.text)
        parts: list[Callable[[ReplyParameters | None], Coroutine[Any, Any, Message]]] = [
            *(functools.partial(self._send_piece, chat_id, piece, parse_mode=reply.parse_mode) for piece in pieces),
            *(functools.partial(self._send_file, chat_id, attachment) for attachment in reply.files)]
        if editing is not None and done == 0 and pieces and \
                self.call(self._finish_streamed(chat_id, editing, pieces[0], reply.parse_mode)):
            done, reply_to = 1, None  # the streamed message is the first part, and already answers the user's
            sent_one(1)
        sent = []
        for number, send in enumerate(parts[done:], start=done + 1):
            answering = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and number == 1 \
                else None
            sent.append(self.call(send(answering)))
            sent_one(number)
        return sent

    def send_text(self, chat_id: int, text: str) -> Message:
        """One plain message (no formatting, no reply), e.g. to say a reply could not be delivered."""
        return self.call(self._send_piece(chat_id, text, None, None))

    async def _send_file(self, chat_id: int, attachment: Attachment, reply: ReplyParameters | None) -> Message:
        send = getattr(self.bot, f"send_{attachment.kind}")
        caption = attachment.caption
        if utf16_len(caption) > MAX_CAPTION_UTF16:
            caption = split_message(caption, MAX_CAPTION_UTF16 - 1)[0] + "…"
        # Telegram shows a long voice note sent without its duration as 0:00.
        timed = {"duration": attachment.duration_s} if attachment.duration_s is not None else {}
        return await self._with_retry(chat_id, lambda: send(
            chat_id, InputFile(attachment.data, filename=attachment.filename), caption=caption or None,
            reply_parameters=reply, **timed))

    async def _send_piece(self, chat_id: int, text: str, reply: ReplyParameters | None,
                          parse_mode: str | None = None) -> Message:
        try:
            return await self._with_retry(chat_id, lambda: self.bot.send_message(
                chat_id, text, parse_mode=parse_mode, reply_parameters=reply))
        except BadRequest as exc:
            if parse_mode is None or "can't parse entities" not in exc.message.lower():
                raise
            log.warning("chat %s: formatting rejected (%s); resending as plain text", chat_id, exc.message)
            return await self._with_retry(chat_id, lambda: self.bot.send_message(chat_id, text, reply_parameters=reply))

    async def _finish_streamed(self, chat_id: int, message_id: int, text: str, parse_mode: str | None) -> bool:
        """Edit a streamed message into the answer's first part (plain if the formatting is refused); False if
        it cannot be edited (deleted meanwhile), so the part goes out as a new message."""
        async def edit(mode: str | None) -> Any:
            return await self._with_retry(chat_id, lambda: self.bot.edit_message_text(
                text, chat_id, message_id, parse_mode=mode))
        try:
            await edit(parse_mode)
        except BadRequest as exc:
            problem = exc.message.lower()
            if "not modified" in problem:  # the last update already showed all of it
                return True
            if parse_mode is None or "can't parse entities" not in problem:
                log.warning("chat %s: the streamed message could not be finished (%s)", chat_id, exc.message)
                return False
            await edit(None)
        return True

    async def _with_retry(self, chat_id: int, send: Any) -> Any:
        """Send within the shared rate limit; retry a 429 after the retry_after Telegram asked for."""
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            if self.limiter is not None:
                await asyncio.to_thread(self.limiter.wait_turn, chat_id)
            try:
                return await _counted(send())
            except RetryAfter as exc:
                if attempt == MAX_SEND_ATTEMPTS:
                    raise
                metrics.telegram_retry()
                wait = exc.retry_after
                delay = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("Telegram asked to wait %.1f s (attempt %d)", delay, attempt)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def download(self, file_id: str, limit: int = MAX_DOWNLOAD_BYTES) -> bytes:
        """A file's bytes by file_id, through getFile; FileTooBig when it is over the limit."""
        return self.call(self._download(file_id, limit))

    async def _download(self, file_id: str, limit: int) -> bytes:
        file = await self._get_file(file_id, limit)
        return bytes(await file.download_as_bytearray())

    async def _get_file(self, file_id: str, limit: int) -> File:
        try:
            file = await self.bot.get_file(file_id)
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                raise FileTooBig(file_id) from None
            raise
        if (file.file_size or 0) > limit:
            raise FileTooBig(file_id)
        return file

    def open_file(self, file_id: str) -> IO[bytes]:
        """A user's file to read, up to the server's download limit: in local mode the Bot API server's own copy
        when its disk is shared with this worker, else downloaded (streamed) into a temporary file."""
        file = self.call(self._get_file(file_id, self.download_limit))
        path = str(file.file_path or "")
        if Path(path).is_absolute() and Path(path).is_file():  # local mode, volume shared
            return open(path, "rb")  # noqa: SIM115 -- the caller reads it for as long as it needs
        return _stream_to_disk(path, self.download_limit, file_id)

    @contextmanager
    def showing(self, chat_id: int, action: str = ChatAction.TYPING, every_s: float = 4.0) -> Iterator[None]:
        """Show typing/uploading in the chat, renewed every every_s seconds until the block ends.

        Telegram shows an action for about 5 s, or until the bot's next message; failures never fail a job.
        """
        future = asyncio.run_coroutine_threadsafe(self._keep_showing(chat_id, action, every_s), self.loop)
        try:
            yield
        finally:
            future.cancel()

    async def _keep_showing(self, chat_id: int, action: str, every_s: float) -> None:
        while True:
            try:
                await self._initialized_first(_counted(self.bot.send_chat_action(chat_id, action)))
            except TelegramError as exc:
                log.debug("chat action failed: %s", exc)
            await asyncio.sleep(every_s)

    def edit_status(self, chat_id: int, message_id: int, text: str) -> None:
        """Edit a status message without waiting, within the shared send rate (edits count against it)."""
        self._in_background(self._with_retry(chat_id, lambda: self.bot.edit_message_text(text, chat_id, message_id)),
                            "status edit")

    def delete_status(self, chat_id: int, message_id: int, wait: bool = False, timeout: float = 30) -> None:
        """Delete a status message, without waiting unless asked (a failure is logged either way)."""
        removal = _counted(self.bot.delete_message(chat_id, message_id))
        if not wait:
            self._in_background(removal, "status removal")
            return
        try:
            self.call(removal, timeout=timeout)
        except TelegramError as exc:
            log.info("status removal failed: %s", exc)

    def _in_background(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        # A status message is a courtesy: its failures are logged, never raised into the job.
        future = asyncio.run_coroutine_threadsafe(self._initialized_first(coro), self.loop)
        future.add_done_callback(lambda done: _log_failure(done, what))

    def close(self) -> None:
        """Shut the Bot's connections and stop the loop."""
        try:
            if self._initialized:
                self.call(self.bot.shutdown(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


def _stream_to_disk(url: str, limit: int, file_id: str) -> IO[bytes]:
    """The file at url (PTB's download URL: it holds the token, so it never reaches a log) in a temporary file."""
    copy = tempfile.NamedTemporaryFile(prefix="pipegram-file-")  # noqa: SIM115 -- deleted when the caller drops it
    try:
        with httpx.stream("GET", url, timeout=httpx.Timeout(60, connect=10)) as response:
            if response.status_code != 200:
                raise DownloadFailed(f"file {file_id}: HTTP {response.status_code}")
            for chunk in response.iter_bytes(1 << 20):
                if copy.tell() + len(chunk) > limit:
                    raise FileTooBig(file_id)
                copy.write(chunk)
    except httpx.HTTPError as exc:
        copy.close()
        raise DownloadFailed(f"file {file_id}: {type(exc).__name__}") from None  # its message has the URL
    except BaseException:
        copy.close()
        raise
    copy.flush()
    copy.seek(0)
    return copy


async def _counted(call: Coroutine[Any, Any, T]) -> T:
    """Await a Bot API call; a failure is counted in the metrics (here only, so once) and raised."""
    try:
        return await call
    except TelegramError as exc:
        metrics.telegram_error(exc)
        raise


def _log_failure(future: Future[Any], what: str) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        log.info("%s failed: %s", what, exc)
