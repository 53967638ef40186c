"""Who may use the bot: a list in Redis that admins change with /allow and /deny, seeded from ALLOWED_USERS.

The bot is open to everyone (but denied users) until it has a list: ALLOWED_USERS, an admin's first /allow, or
/deny everyone make it private (admins and listed users only); only /allow everyone opens it again, so emptying
the list never opens it by accident. A denial outlives restarts: ALLOWED_USERS does not bring a denied user back.
Admins (ADMIN_USERS) always get in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from telegram import Message, Update, User
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.updates import mark_unqueued
from shared.keys import access_allowed_key, access_denied_key, access_mode_key, user_names_key, username_ids_key
from shared.settings import Settings
from shared.store import as_text

log = logging.getLogger(__name__)

EVERYONE = "everyone"
OPEN, PRIVATE = "open", "list"


@dataclass(frozen=True)
class Access:
    """The list as it stands: whether the bot is private, who is on the list, who was denied."""

    private: bool
    allowed: list[int]
    denied: list[int]


async def seed(r: aioredis.Redis, settings: Settings) -> None:
    """Put ALLOWED_USERS on the list (but users an admin denied) and make the bot private, unless an admin opened
    it with /allow everyone."""
    if not settings.allowed_users:
        return
    denied = {int(as_text(member)) for member in await r.smembers(access_denied_key())}
    async with r.pipeline() as tx:
        if fresh := settings.allowed_users - denied:
            tx.sadd(access_allowed_key(), *fresh)
        tx.set(access_mode_key(), PRIVATE, nx=True)
        await tx.execute()


async def admits(r: aioredis.Redis, settings: Settings, user: User | None) -> bool:
    """Whether this user may use the bot now; remembers their username, so admins can /allow @name."""
    user_id = user.id if user else 0
    async with r.pipeline() as tx:
        if user and user.username:
            tx.hset(username_ids_key(), user.username.lower(), user.id)
            tx.hset(user_names_key(), str(user.id), user.username)
        tx.get(access_mode_key())
        tx.sismember(access_denied_key(), str(user_id))
        tx.sismember(access_allowed_key(), str(user_id))
        *_, mode, denied, listed = await tx.execute()
    if settings.is_admin(user_id):
        return True
    return not denied and (bool(listed) or as_text(mode or OPEN) == OPEN)


async def lets_in(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the update's user may use the bot; if Redis cannot say, the update is left unconfirmed (it comes
    again) and goes no further."""
    try:
        return await admits(context.bot_data["redis"], context.bot_data["settings"], update.effective_user)
    except RedisError as exc:
        log.warning("access list unreadable, update %s comes again: %s", update.update_id, exc)
        mark_unqueued(context.bot_data, update.update_id)
        raise ApplicationHandlerStop from exc


async def allow(r: aioredis.Redis, user_id: int) -> bool:
    """Put a user on the list; True if that made an open-by-default bot private."""
    async with r.pipeline() as tx:
        tx.srem(access_denied_key(), str(user_id))
        tx.sadd(access_allowed_key(), str(user_id))
        tx.set(access_mode_key(), PRIVATE, nx=True)
        *_, closed = await tx.execute()
    return bool(closed)


async def deny(r: aioredis.Redis, user_id: int) -> None:
    """Take a user off the list and keep them out, even if the bot is open or ALLOWED_USERS names them."""
    async with r.pipeline() as tx:
        tx.srem(access_allowed_key(), str(user_id))
        tx.sadd(access_denied_key(), str(user_id))
        await tx.execute()


async def set_open(r: aioredis.Redis, is_open: bool) -> None:
    """/allow everyone (open to all but denied users) or /deny everyone (private: admins and the list)."""
    await r.set(access_mode_key(), OPEN if is_open else PRIVATE)


async def read(r: aioredis.Redis) -> Access:
    """The list now, for /allow and /deny alone."""
    async with r.pipeline() as tx:
        tx.get(access_mode_key())
        tx.smembers(access_allowed_key())
        tx.smembers(access_denied_key())
        mode, allowed, denied = await tx.execute()
    return Access(mode is not None and as_text(mode) == PRIVATE, sorted(int(as_text(m)) for m in allowed),
                  sorted(int(as_text(m)) for m in denied))


def target(message: Message | None, argument: str) -> int | str | None:
    """Whom /allow or /deny names: EVERYONE, a user id, an @username (a str), or the author of the message it
    replies to (or forwards); None when it names nobody."""
    word = argument.strip().split(maxsplit=1)[0] if argument.strip() else ""
    if word.lower() == EVERYONE:
        return EVERYONE
    if word.isdigit():
        return int(word)
    if word:
        return "@" + word.lstrip("@")
    replied = message and message.reply_to_message
    origin = replied and replied.forward_origin
    author = getattr(origin, "sender_user", None) or (replied and replied.from_user)
    return author.id if author and not author.is_bot else None


async def user_id_of(r: aioredis.Redis, username: str) -> int | None:
    """The id of a user who once wrote to the bot with this @username; None if none did."""
    found = await r.hget(username_ids_key(), username.lstrip("@").lower())
    return int(as_text(found)) if found is not None else None


async def names(r: aioredis.Redis, user_ids: list[int]) -> list[str]:
    """Each user as "@name (id)" when their username is known, else their id."""
    if not user_ids:
        return []
    known = await r.hmget(user_names_key(), [str(user_id) for user_id in user_ids])
    return [f"@{as_text(name)} ({user_id})" if name else str(user_id) for user_id, name in zip(user_ids, known,
                                                                                             strict=True)]
