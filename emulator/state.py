"""In-memory model of an emulated Telegram: bots, chats, messages, updates, files, failures."""

from __future__ import annotations

import copy
import hmac
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from emulator.validate import ApiError, bad_request

TOKEN_RE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")  # ASCII only (unlike \d); used with fullmatch
BOT_USERNAME = "pipegram_bot"
SERVER_DIR = "/var/lib/telegram-bot-api"  # where telegram-bot-api keeps files (its Docker images' --dir)
MEMBER_STATUSES = ("creator", "administrator", "member")


@dataclass
class StoredFile:
    """Bytes uploaded by the bot or injected by a user, addressable by file_id."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str
    mime_type: str
    file_path: str
    file_name: str | None = None
    obj: dict | list | None = None  # the Message field it was created as, reused on resend


@dataclass
class SentRecord:
    """One message the bot sent, as the control API reports it."""

    method: str
    message: dict
    parse_mode: str | None
    reply_to_message_id: int | None
    sent_at: float
    edits: list = field(default_factory=list)
    deleted: bool = False
    edited_at: float | None = None
    deleted_at: float | None = None

    def changed_at(self) -> float:
        """Latest moment the record was created, edited or deleted."""
        return max(t for t in (self.sent_at, self.edited_at, self.deleted_at) if t is not None)

    def as_dict(self) -> dict:
        """JSON form; deleted_at stays internal, changed_at is what `changed_since` compares."""
        data = asdict(self)
        data.pop("deleted_at")
        data["changed_at"] = self.changed_at()
        return data


@dataclass
class CallRecord:
    """One Bot API call as the bot made it."""

    method: str
    params: dict
    time: float
    ok: bool
    error_code: int | None = None
    description: str | None = None


@dataclass
class Failure:
    """Pending injected failures for one method (or "*": every method), everywhere or in one chat."""

    count: int
    error: ApiError
    after: int = 0  # matching calls that still succeed first: "fail the 3rd sendMessage" is after=2


@dataclass
class BotState:
    """Everything one bot token sees; isolated from every other token."""

    token: str
    notify: Callable[[], None] = lambda: None
    user: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    chats: dict = field(default_factory=dict)
    message_ids: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)  # (chat_id, message_id) -> live Message
    sent: list = field(default_factory=list)
    sent_by_key: dict = field(default_factory=dict)
    updates: list = field(default_factory=list)  # delivered-but-unconfirmed and pending
    next_update_id: int = 1
    confirmed_offset: int = 0
    files: dict = field(default_factory=dict)
    file_counter: int = 0
    failures: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    commands: dict = field(default_factory=dict)
    chat_actions: list = field(default_factory=list)
    callbacks: dict = field(default_factory=dict)
    webhook: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)  # (chat_id, user_id) -> "creator", "administrator" or "member"
    drafts: dict = field(default_factory=dict)  # chat_id -> the draft a streaming answer shows (sendMessageDraft)
    # Local mode (a telegram-bot-api server run with --local): files up to 2,000 MB, and getFile gives an absolute
    # path under this folder; written there when `files_on_disk`, else only served over HTTP at that path.
    local_root: str | None = None
    files_on_disk: bool = False

    def __post_init__(self) -> None:
        self.user = {
            "id": int(self.token.split(":", 1)[0]), "is_bot": True, "first_name": "Pipegram",
            "username": BOT_USERNAME, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def changed(self) -> None:
        """Wake everyone waiting on this bot (long polls, sent/calls waiters, webhook sender)."""
        self.notify()


class Registry:
    """All bots served by one emulator, created lazily per token; in local mode like `telegram-bot-api --local`,
    keeping files under files_dir (or, without one, at paths of a disk the workers do not share)."""

    def __init__(self, token: str | None = None, local: bool = False, files_dir: Path | None = None) -> None:
        if token is not None and not TOKEN_RE.fullmatch(token):
            raise ValueError("token must look like 123456:ABC-def")
        self.fixed_token = token
        self.local, self.files_dir = local or files_dir is not None, files_dir
        self.bots: dict[str, BotState] = {}
        self.on_change: Callable[[str], None] = lambda token: None

    def _local_root(self, token: str) -> str | None:
        if not self.local:
            return None
        return str((self.files_dir or Path(SERVER_DIR)) / token)

    def bot(self, token: str) -> BotState:
        """The state for token, or 401 for tokens this emulator does not serve."""
        if not TOKEN_RE.fullmatch(token) or (
            self.fixed_token is not None and not hmac.compare_digest(token, self.fixed_token)
        ):
            raise ApiError(401, "Unauthorized")
        if token not in self.bots:
            self.bots[token] = BotState(token, notify=lambda: self.on_change(token), local_root=self._local_root(token),
                                        files_on_disk=self.files_dir is not None)
        return self.bots[token]

    def reset(self, token: str) -> None:
        """Forget everything about one bot (in local mode, its files on disk too)."""
        bot = self.bot(token)
        if bot.files_on_disk and bot.local_root:
            shutil.rmtree(bot.local_root, ignore_errors=True)
        self.bots.pop(token, None)
        self.on_change(token)


# ---------------------------------------------------------------- chats, messages, updates

def ensure_user(bot: BotState, user_id: int, first_name: str = "Test", username: str | None = None,
                language_code: str | None = "en") -> dict:
    """Create or refresh a human user the bot can see."""
    user = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    bot.users[user_id] = user
    return user


def ensure_chat(bot: BotState, chat_id: int, chat_type: str, user: dict, title: str | None) -> dict:
    """Create or refresh a chat; the first user message is what makes a chat known."""
    if chat_type == "private":
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
    else:
        chat = {"id": chat_id, "type": chat_type, "title": title or "Test Group"}
    bot.chats[chat_id] = chat
    bot.message_ids.setdefault(chat_id, 0)
    return chat


def get_chat(bot: BotState, chat_id: Any) -> dict:
    """A known chat by numeric id or @username, else Telegram's "chat not found"."""
    if isinstance(chat_id, str) and chat_id.startswith("@"):
        found = [c for c in bot.chats.values() if c.get("username") == chat_id[1:]]
        if found:
            return found[0]
        raise bad_request("chat not found")
    try:
        return bot.chats[int(chat_id)]
    except (KeyError, TypeError, ValueError):
        raise bad_request("chat not found") from None


def new_message(bot: BotState, chat: dict, sender: dict) -> dict:
    """A Message skeleton with the chat's next id; user and bot share the counter."""
    bot.message_ids[chat["id"]] += 1
    return {"message_id": bot.message_ids[chat["id"]], "from": sender, "chat": chat, "date": int(time.time())}


def get_message(bot: BotState, chat_id: int | None, message_id: int | None) -> dict | None:
    """A live (not deleted) message."""
    return bot.messages.get((chat_id, message_id))


def reply_snapshot(bot: BotState, chat_id: int, reply_to: int | None, allow_missing: bool = False) -> dict | None:
    """The reply_to_message to embed: one level deep, without its own reply, like Telegram."""
    if reply_to is None:
        return None
    target = get_message(bot, chat_id, reply_to)
    if target is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in copy.deepcopy(target).items() if k != "reply_to_message"}


MEDIA_NAMES = {"photo": "photo", "voice": "voice note", "audio": "audio", "video": "video", "video_note": "video note",
               "animation": "animation", "sticker": "sticker", "document": "file", "location": "location",
               "contact": "contact", "poll": "poll", "dice": "dice", "venue": "venue"}


def one_line(message: dict, limit: int = 100) -> str:
    """A message as one short line: its kind of media in brackets, then its text or caption, shortened."""
    kinds = [f"[{name}]" for kind, name in MEDIA_NAMES.items() if kind in message]
    if file_name := (message.get("document") or {}).get("file_name"):
        kinds = [f"[file {file_name}]"]
    text = " ".join((message.get("text") or message.get("caption") or "").split())
    text = text[:limit] + "…" if len(text) > limit else text
    return " ".join([*kinds, text]).strip() or "[message]"


def chat_name(chat: dict) -> str:
    """A chat as people call it: the other person's first name, or the group's title."""
    return chat.get("title") or chat.get("first_name") or str(chat["id"])


def store_message(bot: BotState, message: dict) -> dict:
    """Keep a message addressable for replies, edits, deletes and button presses."""
    bot.messages[(message["chat"]["id"], message["message_id"])] = message
    return message


def queue_update(bot: BotState, kind: str, payload: dict) -> dict:
    """Append an update; it stays pending until a later getUpdates offset confirms it."""
    update = {"update_id": bot.next_update_id, kind: copy.deepcopy(payload)}
    bot.next_update_id += 1
    bot.updates.append(update)
    bot.changed()
    return update


def confirm_updates(bot: BotState, offset: int | None) -> None:
    """Drop every update below offset, as getUpdates(offset) does."""
    if not offset or offset <= 0:
        return
    bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
    bot.confirmed_offset = max(bot.confirmed_offset, offset)


def pending_updates(bot: BotState, allowed: list | None, limit: int = 100) -> list:
    """Updates to hand out; types not in allowed_updates are confirmed and dropped."""
    if isinstance(allowed, list) and allowed:  # an empty list means "all types", as in Telegram
        bot.updates = [u for u in bot.updates if set(u) & set(allowed)]
    return bot.updates[:limit]


def record_sent(bot: BotState, method: str, message: dict, parse_mode: str | None, reply_to: int | None) -> None:
    """Remember a bot-sent message for the control API."""
    record = SentRecord(method, message, parse_mode, reply_to, time.time())
    bot.sent.append(record)
    bot.sent_by_key[(message["chat"]["id"], message["message_id"])] = record
    if (draft := bot.drafts.get(message["chat"]["id"])) and draft["text"]:
        # The sent message takes the draft's place, as in Telegram's apps.
        draft.update(text="", changed_at=record.sent_at)
    bot.changed()


def set_draft(bot: BotState, chat_id: int, draft_id: int, text: str) -> dict:
    """Show (or update) a chat's draft preview; kept until the bot's next message replaces it."""
    draft = bot.drafts[chat_id] = {"chat_id": chat_id, "draft_id": draft_id, "text": text, "changed_at": time.time()}
    bot.changed()
    return draft


def draft_items(bot: BotState, chat_id: Any, changed_since: Any) -> list[dict]:
    """Drafts matching the control API filters (one per chat at most)."""
    return [d for d in bot.drafts.values() if (chat_id is None or d["chat_id"] == chat_id)
            and (changed_since is None or d["changed_at"] > changed_since)]


def sent_items(bot: BotState, chat_id: Any, after: Any, changed_since: Any) -> list[SentRecord]:
    """Sent records matching the control API filters, oldest first (as_dict() them to answer)."""
    return [
        r for r in bot.sent
        if (chat_id is None or r.message["chat"]["id"] == chat_id)
        and (after is None or r.message["message_id"] > after)
        and (changed_since is None or r.changed_at() > changed_since)
    ]


# ---------------------------------------------------------------- calls and failures

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure", 403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error", 502: "Bad Gateway",
}


def set_failure(bot: BotState, method: str, count: int, error_code: int = 429, retry_after: int = 1,
                description: str | None = None, chat_id: int | None = None, after: int = 0) -> None:
    """Make count calls of method fail, after `after` more succeed; only calls to chat_id if given. Method "*"
    with a chat_id and error 403 is a user who blocked the bot: every call to that chat is refused."""
    if error_code == 429:
        error = ApiError(429, description or f"Too Many Requests: retry after {retry_after}", retry_after)
    else:
        error = ApiError(error_code, description or _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}"))
    bot.failures[(method.lower(), chat_id)] = Failure(count, error, after)


def take_failure(bot: BotState, method: str, params: dict | None = None) -> ApiError | None:
    """Consume one injected failure for this call, if any is pending: for its chat first, then any chat."""
    try:
        chat_id = int((params or {}).get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        chat_id = None
    for key in ((method.lower(), chat_id), ("*", chat_id), (method.lower(), None)):
        failure = bot.failures.get(key)
        if failure is None or failure.count <= 0 or (key[1] is None and key[0] == "*"):
            continue
        if failure.after > 0:
            failure.after -= 1
            return None
        failure.count -= 1
        return failure.error
    return None


def record_call(bot: BotState, method: str, params: dict, error: ApiError | None = None) -> CallRecord:
    """Log a Bot API call; tests use this to check retries and chat actions."""
    call = CallRecord(method, params, time.time(), error is None, error.code if error else None,
                      error.description if error else None)
    bot.calls.append(call)
    bot.changed()
    return call


def call_items(bot: BotState, method: str | None, since: float | None) -> list[CallRecord]:
    """Recorded calls matching the control API filters, oldest first (asdict() them to answer)."""
    return [
        c for c in bot.calls
        if (method is None or c.method.lower() == method.lower()) and (since is None or c.time > since)
    ]


def summary(bot: BotState) -> dict:
    """The control API's /state answer."""
    return {
        "pending_updates": len(bot.updates), "confirmed_offset": bot.confirmed_offset,
        "webhook_url": bot.webhook.get("url", ""), "commands": bot.commands.get("default", []),
        "chats": list(bot.chats.values()), "chat_actions": bot.chat_actions, "bot": bot.user,
        "callback_queries": list(bot.callbacks.values()),
    }
