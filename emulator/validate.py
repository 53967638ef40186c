"""Bot API error answers, parameter decoding and validation of texts, captions and keyboards."""

from __future__ import annotations

import json
from typing import Any, overload

from emulator import markup

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram description, optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> dict:
        """The JSON body Telegram sends for this error."""
        body = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def param_json(params: dict, name: str, default: Any = None) -> Any:
    """A parameter that form encoding sends as a JSON string."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {name} JSON object") from None


@overload
def param_int(params: dict, name: str) -> int | None: ...
@overload
def param_int(params: dict, name: str, default: int) -> int: ...
def param_int(params: dict, name: str, default: int | None = None) -> int | None:
    """An integer parameter that may arrive as a string."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def param_bool(params: dict, name: str) -> bool:
    """A boolean parameter that may arrive as "true"/"false"."""
    value = params.get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def parse_text(text: str | None, parse_mode: str | None, entities: Any = None) -> tuple[str, list]:
    """Plain text and entities for text sent with parse_mode, or a 400 for bad markup."""
    text = "" if text is None else str(text)
    if parse_mode and parse_mode.lower() not in markup.PARSE_MODES:
        raise bad_request(f"unsupported parse_mode \"{parse_mode}\"")
    try:
        plain, found = markup.parse(text, parse_mode)
    except markup.MarkupError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    return plain, (found if parse_mode else list(entities or []))


def check_text(text: str | None, parse_mode: str | None = None, entities: Any = None) -> tuple[str, list]:
    """Validate a message text against Telegram's emptiness and length rules."""
    plain, found = parse_text(text, parse_mode, entities)
    if not plain.strip():
        raise bad_request("message text is empty")
    if markup.utf16_len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return plain, found


def check_caption(caption: str | None, parse_mode: str | None = None, entities: Any = None) -> dict:
    """Message fields for an optional caption."""
    if caption is None or caption == "":
        return {}
    plain, found = parse_text(caption, parse_mode, entities)
    if markup.utf16_len(plain) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return {"caption": plain, **({"caption_entities": found} if found else {})}


def check_reply_markup(raw: object) -> dict | None:
    """Validate reply_markup; return what Telegram echoes back (inline keyboards only)."""
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = value.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Arrays")
    for button in (b for row in rows for b in row):
        _check_button(button)
    return {"inline_keyboard": rows}


def _check_button(button: object) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if len(button) < 2:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
