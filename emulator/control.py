"""What simulated users do: send messages and files, edit them, press inline buttons."""

from __future__ import annotations

import copy
import logging
import re
import secrets
import time

from emulator import media
from emulator.markup import utf16_len
from emulator.state import (
    MEMBER_STATUSES,
    BotState,
    chat_name,
    ensure_chat,
    ensure_user,
    get_message,
    new_message,
    one_line,
    queue_update,
    reply_snapshot,
    store_message,
)
from emulator.validate import bad_request, check_caption, check_text, param_bool, param_int, param_json

conversation = logging.getLogger("emulator.chat")  # one line per message; `pipegram up` shows them
CHAT_TYPES = ("private", "group", "supergroup")
USER_KINDS = ("voice", "audio", "photo", "document", "video_note", "sticker", "video", "animation")
# Messages with no text or file, given as their Bot API object: {"location": {"latitude": 1, "longitude": 2}}.
CONTENT_KINDS = ("location", "contact", "poll", "dice", "venue")
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{1,32}")


def auto_entities(text: str) -> list[dict]:
    """bot_command and mention entities, as a Telegram client would attach them."""
    entities, start = [], 0
    command = _COMMAND_RE.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
        start = command.end()
    for mention in _MENTION_RE.finditer(text, start):
        entities.append({"type": "mention", "offset": utf16_len(text[:mention.start()]),
                         "length": utf16_len(mention.group())})
    return entities


def _entities(fields: dict, key: str, text: str | None) -> list[dict]:
    given = param_json(fields, key)
    return list(given) if given is not None else auto_entities(text or "")


def _sender_and_chat(bot: BotState, fields: dict) -> tuple[dict, dict]:
    user_id = param_int(fields, "user_id", 1001)
    chat_id = param_int(fields, "chat_id", user_id)
    chat_type = fields.get("chat_type") or ("private" if chat_id == user_id else "group")
    if chat_type not in CHAT_TYPES:
        raise bad_request(f"chat_type must be one of {', '.join(CHAT_TYPES)}")
    user = ensure_user(bot, user_id, fields.get("first_name") or "Test", fields.get("username"),
                       fields.get("language_code", "en"))
    status = fields.get("member_status") or bot.members.get((chat_id, user_id), "member")
    if status not in MEMBER_STATUSES:
        raise bad_request(f"member_status must be one of {', '.join(MEMBER_STATUSES)}")
    bot.members[(chat_id, user_id)] = status  # e.g. "administrator": what getChatMember says of this user here
    return user, ensure_chat(bot, chat_id, chat_type, user, fields.get("chat_title"))


def _content(bot: BotState, fields: dict, upload: media.Upload | None) -> dict:
    """Message fields for the text or the file; validated before any message id is used."""
    if upload is None and (content := param_json(fields, "content")) is not None:
        if not isinstance(content, dict) or not content or set(content) - set(CONTENT_KINDS):
            raise bad_request(f"content must be an object with one of {', '.join(CONTENT_KINDS)}")
        return dict(content)
    if upload is None:
        text, _ = check_text(fields.get("text"))
        entities = _entities(fields, "entities", text)
        return {"text": text, **({"entities": entities} if entities else {})}
    kind = fields.get("kind")
    if kind not in USER_KINDS:
        raise bad_request(f"kind must be one of {', '.join(USER_KINDS)}")
    caption = fields.get("caption")
    content = check_caption(caption)
    if content:
        content.update({"caption_entities": e} if (e := _entities(fields, "caption_entities", caption)) else {})
    # Users may send what the Bot API refuses from a bot (a 0-byte file), so tests can check bots cope with it.
    obj = media.create_media(bot, kind, upload.data, upload.content_type, upload.filename, fields, from_user=True)
    return {kind: obj, **content}


# What a forward copies: the text or caption with its entities, and the media (same file_ids, as in Telegram).
FORWARDED_FIELDS = ("text", "entities", "caption", "caption_entities", *USER_KINDS, *CONTENT_KINDS)


def _forwarded(bot: BotState, fields: dict, chat_id: int) -> tuple[dict, dict]:
    """The content and forward_origin of the message a user forwards (`forward_message_id`, from
    `from_chat_id`, by default this chat)."""
    original = get_message(bot, param_int(fields, "from_chat_id", chat_id), param_int(fields, "forward_message_id"))
    if original is None:
        raise bad_request("message to forward not found")
    origin = {"type": "user", "sender_user": original["from"], "date": original["date"]}
    return {key: copy.deepcopy(original[key]) for key in FORWARDED_FIELDS if key in original}, origin


def user_message(bot: BotState, fields: dict, upload: media.Upload | None = None) -> dict:
    """A user writes to the bot, or forwards a message to it; the Message is queued as an update and returned."""
    user, chat = _sender_and_chat(bot, fields)
    reply = reply_snapshot(bot, chat["id"], param_int(fields, "reply_to_message_id"))
    origin = None
    if fields.get("forward_message_id") is not None:
        content, origin = _forwarded(bot, fields, chat["id"])
    else:
        content = _content(bot, fields, upload)
    message = new_message(bot, chat, user)
    message.update(content)
    if reply:
        message["reply_to_message"] = reply
    if origin is None and param_bool(fields, "forward"):
        origin = {"type": "hidden_user", "sender_user_name": "Forwarded Sender", "date": message["date"] - 60}
    if origin is not None:
        message["forward_origin"] = origin
    store_message(bot, message)
    queue_update(bot, "message", message)
    where = "" if chat["type"] == "private" else f" in {chat_name(chat)}"
    conversation.info("%s%s → bot: %s", user["first_name"], where, one_line(message))
    return message


def user_edit(bot: BotState, fields: dict) -> dict:
    """A user edits one of their messages; queues an edited_message update."""
    message = get_message(bot, param_int(fields, "chat_id"), param_int(fields, "message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"].get("is_bot"):
        raise bad_request("message can't be edited")
    text, _ = check_text(fields.get("text"))
    key = "text" if "text" in message else "caption"
    message[key] = text
    message.pop("entities" if key == "text" else "caption_entities", None)
    if entities := _entities(fields, "entities", text):
        message["entities" if key == "text" else "caption_entities"] = entities
    message["edit_date"] = int(time.time())
    queue_update(bot, "edited_message", message)
    return message


def _button_data(message: dict) -> set:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {button.get("callback_data") for row in rows for button in row}


def press_button(bot: BotState, fields: dict) -> dict:
    """A user presses an inline button; queues a callback_query update."""
    user_id = param_int(fields, "user_id", 1001)
    chat_id = param_int(fields, "chat_id", user_id)
    message = get_message(bot, chat_id, param_int(fields, "message_id"))
    if message is None:
        raise bad_request("message not found")
    data = fields.get("data")
    if data not in _button_data(message):
        raise bad_request(f"message has no inline button with callback_data {data!r}")
    user = bot.users.get(user_id) or ensure_user(bot, user_id)
    query = {"id": str(secrets.randbits(62)), "from": user, "message": copy.deepcopy(message),
             "chat_instance": str(abs(hash((bot.user["id"], chat_id)))), "data": data}
    bot.callbacks[query["id"]] = query
    queue_update(bot, "callback_query", query)
    return query

