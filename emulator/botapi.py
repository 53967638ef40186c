"""Bot API method handlers: sync functions over a BotState, looked up by lower-case method name."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from emulator import media
from emulator.state import (
    BotState,
    chat_name,
    confirm_updates,
    get_chat,
    get_message,
    new_message,
    one_line,
    pending_updates,
    record_sent,
    reply_snapshot,
    set_draft,
    store_message,
)
from emulator.validate import (
    ApiError,
    bad_request,
    check_caption,
    check_reply_markup,
    check_text,
    param_bool,
    param_int,
    param_json,
)

conversation = logging.getLogger("emulator.chat")  # one line per message; `pipegram up` shows them
Handler = Callable[[BotState, dict, dict], Any]
H = TypeVar("H", bound=Handler)
METHODS: dict[str, tuple[str, Handler]] = {}  # lower-case name -> (canonical name, handler)
MEDIA_METHODS = {
    "sendVoice": "voice", "sendAudio": "audio", "sendPhoto": "photo", "sendDocument": "document",
    "sendVideo": "video", "sendVideoNote": "video_note", "sendSticker": "sticker", "sendAnimation": "animation",
}
CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", *media.KINDS)
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")
ADMIN_RIGHTS = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
                "can_pin_messages")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def method(name: str) -> Callable[[H], H]:
    """Register a handler under its canonical Bot API name."""
    def register(handler: H) -> H:
        METHODS[name.lower()] = (name, handler)
        return handler
    return register


@method("getMe")
def get_me(bot: BotState, params: dict, files: dict) -> dict:
    """The bot's own User."""
    return bot.user


@method("logOut")
@method("close")
def log_out(bot: BotState, params: dict, files: dict) -> bool:
    """Nothing to release locally."""
    return True


@method("getUpdates")
def get_updates(bot: BotState, params: dict, files: dict) -> list:
    """Confirm below offset and return pending updates; idempotent so the server can re-run it."""
    if bot.webhook.get("url"):
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    confirm_updates(bot, param_int(params, "offset"))
    limit = min(max(param_int(params, "limit", 100), 1), 100)
    return pending_updates(bot, param_json(params, "allowed_updates"), limit)


@method("setWebhook")
def set_webhook(bot: BotState, params: dict, files: dict) -> bool:
    """Switch to push delivery (an empty url switches back to polling)."""
    url, secret = params.get("url") or "", params.get("secret_token") or None
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    if param_bool(params, "drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = {"url": url, "secret_token": secret, "max_connections": param_int(params, "max_connections", 40),
                   "allowed_updates": param_json(params, "allowed_updates")} if url else {}
    bot.changed()
    return True


@method("deleteWebhook")
def delete_webhook(bot: BotState, params: dict, files: dict) -> bool:
    """Back to getUpdates."""
    if param_bool(params, "drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = {}
    bot.changed()
    return True


@method("getWebhookInfo")
def get_webhook_info(bot: BotState, params: dict, files: dict) -> dict:
    """Webhook status as Telegram reports it."""
    info = {"url": bot.webhook.get("url", ""), "has_custom_certificate": False,
            "pending_update_count": len(bot.updates)}
    for key in ("max_connections", "allowed_updates", "last_error_date", "last_error_message"):
        if bot.webhook.get(key) is not None and info["url"]:
            info[key] = bot.webhook[key]
    return info


def _reply_params(params: dict) -> tuple[int | None, bool]:
    reply = param_json(params, "reply_parameters")
    if isinstance(reply, dict):
        return param_int(reply, "message_id"), bool(reply.get("allow_sending_without_reply"))
    return param_int(params, "reply_to_message_id"), param_bool(params, "allow_sending_without_reply")


def _send(bot: BotState, method_name: str, params: dict, content: Callable[[], dict]) -> dict:
    """Validate the common parts, then build, store and record a bot message."""
    chat = get_chat(bot, params.get("chat_id"))
    keyboard = check_reply_markup(params.get("reply_markup"))
    reply_to, allow_missing = _reply_params(params)
    reply = reply_snapshot(bot, chat["id"], reply_to, allow_missing)
    fields = content()  # stores files, so it runs only once everything else is valid
    message = new_message(bot, chat, bot.user)
    message.update(fields)
    if reply:
        message["reply_to_message"] = reply
    if keyboard:
        message["reply_markup"] = keyboard
    store_message(bot, message)
    record_sent(bot, method_name, message, params.get("parse_mode"), reply["message_id"] if reply else None)
    conversation.info("bot → %s: %s", chat_name(chat), one_line(message))
    return message


@method("sendMessage")
def send_message(bot: BotState, params: dict, files: dict) -> dict:
    """A text message."""
    text, entities = check_text(params.get("text"), params.get("parse_mode"), param_json(params, "entities"))
    return _send(bot, "sendMessage", params, lambda: {"text": text, **({"entities": entities} if entities else {})})


@method("sendMessageDraft")
def send_message_draft(bot: BotState, params: dict, files: dict) -> bool:
    """Stream part of a message being written: private chats only, a non-zero draft_id, 1-4096 characters."""
    chat = get_chat(bot, params.get("chat_id"))
    if chat["type"] != "private":
        raise bad_request("message drafts can be sent only to private chats")
    if not param_int(params, "draft_id"):
        raise bad_request("draft_id must be non-zero")
    text, _ = check_text(params.get("text"), params.get("parse_mode"), param_json(params, "entities"))
    set_draft(bot, chat["id"], param_int(params, "draft_id", 0), text)
    return True


def _send_media(bot: BotState, params: dict, files: dict, *, kind: str, method_name: str) -> dict:
    caption = check_caption(params.get("caption"), params.get("parse_mode"), param_json(params, "caption_entities"))
    value = params.get(kind)
    upload = files.get(kind) or (files.get(value[9:]) if isinstance(value, str) and value.startswith("attach://")
                                 else None)
    if upload is None and not value:
        raise bad_request(f"there is no {kind} in the request")

    def content() -> dict:
        if upload is not None:
            obj = media.create_media(bot, kind, upload.data, upload.content_type, upload.filename, params)
        else:
            obj = media.reuse_media(bot, kind, str(value))
        return {kind: obj, **caption}
    return _send(bot, method_name, params, content)


for _name, _kind in MEDIA_METHODS.items():
    METHODS[_name.lower()] = (_name, partial(_send_media, kind=_kind, method_name=_name))


def _editable(bot: BotState, params: dict) -> dict:
    message = get_message(bot, param_int(params, "chat_id"), param_int(params, "message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != bot.user["id"]:
        raise bad_request("message can't be edited")
    return message


def _finish_edit(bot: BotState, message: dict, previous: str | None) -> dict:
    record = bot.sent_by_key.get((message["chat"]["id"], message["message_id"]))
    message["edit_date"] = int(time.time())
    if record:
        if previous is not None:
            record.edits.append(previous)
        record.edited_at = time.time()
    bot.changed()
    return message


def _replace(message: dict, fields: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        message.pop(key, None)
    message.update({k: v for k, v in fields.items() if v})


@method("editMessageText")
def edit_message_text(bot: BotState, params: dict, files: dict) -> dict:
    """Change a bot text message; omitting reply_markup removes the keyboard, as in Telegram."""
    message = _editable(bot, params)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    text, entities = check_text(params.get("text"), params.get("parse_mode"), param_json(params, "entities"))
    keyboard = check_reply_markup(params.get("reply_markup"))
    new = {"text": text, "entities": entities or None, "reply_markup": keyboard}
    if all(message.get(k) == v for k, v in new.items()):
        raise bad_request(NOT_MODIFIED)
    previous = message["text"]
    _replace(message, new, tuple(new))
    return _finish_edit(bot, message, previous)


@method("editMessageCaption")
def edit_message_caption(bot: BotState, params: dict, files: dict) -> dict:
    """Change the caption of a bot media message."""
    message = _editable(bot, params)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    caption = check_caption(params.get("caption"), params.get("parse_mode"), param_json(params, "caption_entities"))
    new = {"caption": caption.get("caption"), "caption_entities": caption.get("caption_entities"),
           "reply_markup": check_reply_markup(params.get("reply_markup"))}
    if all(message.get(k) == v for k, v in new.items()):
        raise bad_request(NOT_MODIFIED)
    previous = message.get("caption", "")
    _replace(message, new, tuple(new))
    return _finish_edit(bot, message, previous)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(bot: BotState, params: dict, files: dict) -> dict:
    """Swap or remove the inline keyboard."""
    message = _editable(bot, params)
    keyboard = check_reply_markup(params.get("reply_markup"))
    if message.get("reply_markup") == keyboard:
        raise bad_request(NOT_MODIFIED)
    _replace(message, {"reply_markup": keyboard}, ("reply_markup",))
    return _finish_edit(bot, message, None)


@method("deleteMessage")
def delete_message(bot: BotState, params: dict, files: dict) -> bool:
    """Delete a message; the control API keeps showing it with deleted=true."""
    key = (param_int(params, "chat_id"), param_int(params, "message_id"))
    if bot.messages.pop(key, None) is None:
        raise bad_request("message to delete not found")
    record = bot.sent_by_key.get(key)
    if record:
        record.deleted, record.deleted_at = True, time.time()
    bot.changed()
    return True


def _source(bot: BotState, params: dict) -> tuple[dict, dict]:
    """The message to forward or copy, and its content fields."""
    source = get_message(bot, param_int(params, "from_chat_id"), param_int(params, "message_id"))
    if source is None:
        raise bad_request("message to copy not found")
    return source, {k: v for k, v in source.items() if k in CONTENT_KEYS}


@method("forwardMessage")
def forward_message(bot: BotState, params: dict, files: dict) -> dict:
    """Re-send a message with a forward_origin pointing at its author."""
    source, content = _source(bot, params)
    origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
    return _send(bot, "forwardMessage", params, lambda: {**content, "forward_origin": origin})


@method("copyMessage")
def copy_message(bot: BotState, params: dict, files: dict) -> dict:
    """Re-send a message's content without a link to the original."""
    _, content = _source(bot, params)
    return {"message_id": _send(bot, "copyMessage", params, lambda: content)["message_id"]}


@method("sendChatAction")
def send_chat_action(bot: BotState, params: dict, files: dict) -> bool:
    """Record a typing/recording indicator."""
    chat = get_chat(bot, params.get("chat_id"))
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    bot.chat_actions.append({"chat_id": chat["id"], "action": params["action"], "time": time.time()})
    return True


def _commands_key(params: dict) -> str:
    scope = param_json(params, "scope") or {"type": "default"}
    language = params.get("language_code") or ""
    if scope == {"type": "default"} and not language:
        return "default"
    return f"{sorted(scope.items())}|{language}"


@method("setMyCommands")
def set_my_commands(bot: BotState, params: dict, files: dict) -> bool:
    """Store the command list for a scope and language."""
    commands = param_json(params, "commands", [])
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be non-empty")
    bot.commands[_commands_key(params)] = [{"command": c["command"], "description": c["description"]}
                                           for c in commands]
    return True


@method("getMyCommands")
def get_my_commands(bot: BotState, params: dict, files: dict) -> list:
    """The stored command list for a scope and language."""
    return bot.commands.get(_commands_key(params), [])


@method("deleteMyCommands")
def delete_my_commands(bot: BotState, params: dict, files: dict) -> bool:
    """Forget the command list for a scope and language."""
    bot.commands.pop(_commands_key(params), None)
    return True


@method("answerCallbackQuery")
def answer_callback_query(bot: BotState, params: dict, files: dict) -> bool:
    """Record the answer; each query can be answered once."""
    query = bot.callbacks.get(str(params.get("callback_query_id")))
    if query is None or "answer" in query:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query["answer"] = {k: params.get(k) for k in ("text", "show_alert", "url", "cache_time") if k in params}
    bot.changed()
    return True


@method("getChat")
def get_chat_info(bot: BotState, params: dict, files: dict) -> dict:
    """ChatFullInfo for a chat that has written to the bot."""
    chat = get_chat(bot, params.get("chat_id"))
    gifts = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False, "premium_subscription": False,
             "gifts_from_channels": False}
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


@method("getChatMember")
def get_chat_member(bot: BotState, params: dict, files: dict) -> dict:
    """A user's status in a chat: creator, administrator or member, as the control API's users said."""
    chat = get_chat(bot, params.get("chat_id"))
    user_id = param_int(params, "user_id")
    status = bot.members.get((chat["id"], user_id))
    if status is None or user_id not in bot.users:
        raise bad_request("user not found")
    member = {"status": status, "user": bot.users[user_id]}
    if status == "creator":
        member["is_anonymous"] = False
    if status == "administrator":
        member.update({right: right in ADMIN_RIGHTS for right in (*ADMIN_RIGHTS, "can_be_edited", "is_anonymous",
                                                                  "can_promote_members")})
    return member


@method("getFile")
def get_file(bot: BotState, params: dict, files: dict) -> dict:
    """File metadata with the path to download it from."""
    return media.file_object(bot, media.get_file(bot, str(params.get("file_id") or "")))
