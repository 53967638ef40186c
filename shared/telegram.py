"""Telegram helpers both sides need: a Bot pointed at the configured API, message splitting, redaction."""

from __future__ import annotations

import json
import logging
import os
import re

from telegram import Bot

from shared.settings import CLOUD_DOWNLOAD_LIMIT, Settings

MAX_MESSAGE_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_DOWNLOAD_BYTES = CLOUD_DOWNLOAD_LIMIT  # getFile refuses larger files: bots cannot download them
# Opt in to PTB's coming behaviour (retry_after as a timedelta) instead of a deprecation warning per 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(processName)s: %(message)s"
# Fields a log call may pass with `extra=`; the JSON format prints them as their own keys.
JOB_FIELDS = ("job_id", "skill", "chat_id", "outcome")


def make_bot(settings: Settings) -> Bot:
    """A PTB Bot that talks to TELEGRAM_API_URL (Telegram, or the emulator)."""
    api = settings.telegram_api_url
    return Bot(settings.token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot",
               local_mode=settings.telegram_local_mode)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, limit: int) -> int:
    """The longest prefix length (in characters) that fits in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_message(text: str, limit: int = MAX_MESSAGE_UTF16) -> list[str]:
    """Split text into pieces of at most `limit` UTF-16 units, at paragraph, line or word breaks."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        fit = _prefix_within(rest, limit)
        head = rest[:fit]
        cut = next((head.rfind(sep) for sep in ("\n\n", "\n", " ") if head.rfind(sep) > 0), -1)
        if cut <= 0:
            cut = fit
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest.strip():
        pieces.append(rest)
    return pieces


def redact(text: str, secrets: list[str]) -> str:
    """Replace every secret in text with a marker."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return text


_URL_TOKEN = re.compile(r"/(file/)?bot\d+(:|%3A)[A-Za-z0-9_-]+")


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, then scrubs the token and token-shaped Bot API paths."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(super().format(record))

    def scrub(self, text: str) -> str:
        """The text without the token or anything shaped like a Bot API path with a token."""
        text = redact(text, self.secrets)
        return _URL_TOKEN.sub(lambda m: f"/{m.group(1) or ''}bot<redacted>", text)


class JsonFormatter(RedactingFormatter):
    """One JSON object per record (time, level, logger, message, job fields), scrubbed like the text format."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(LOG_FORMAT, secrets)

    def format(self, record: logging.LogRecord) -> str:
        event = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "process": record.processName, "message": record.getMessage()}
        event.update({name: getattr(record, name) for name in JOB_FIELDS if hasattr(record, name)})
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        # Scrub the encoded line: the token may sit in any field, the traceback included.
        return self.scrub(json.dumps(event, ensure_ascii=False, default=str))


def job_fields(job_id: str, skill: str, chat_id: int) -> dict[str, object]:
    """The `extra=` for a job's log lines, so JSON logs carry them as fields."""
    return {"job_id": job_id, "skill": skill, "chat_id": chat_id}


def make_formatter(settings: Settings) -> logging.Formatter:
    """The LOG_FORMAT the settings ask for, scrubbing the token either way."""
    secrets = [settings.telegram_bot_token.get_secret_value()] if settings.telegram_bot_token else []
    return JsonFormatter(secrets) if settings.log_format == "json" else RedactingFormatter(LOG_FORMAT, secrets)


def configure_logging(settings: Settings) -> None:
    """One line per event on stderr (text or JSON), with the token scrubbed from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(make_formatter(settings))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # httpx logs every request URL, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
