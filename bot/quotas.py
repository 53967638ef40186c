"""Daily quotas per user and skill family, checked before a job is queued and counted once it is.

Families: messages (a chat message, /translate, /summarize or /say counts one), audio (a recording's seconds, as
Telegram reported them when it was sent; a file that came without a duration is estimated from its size) and
images (one a photo). /similar and /find are cheap and not counted. Days are UTC days; admins are counted (for
/stats) but never refused.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import redis.asyncio as aioredis
from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from shared.keys import usage_key
from shared.settings import Settings
from shared.store import as_text
from shared.waiting import format_duration

FAMILIES = {"chat": "messages", "translate": "messages", "summarize": "messages", "say": "messages",
            "transcribe": "audio", "classify_sound": "audio", "detect": "images", "segment": "images",
            "describe": "images"}
UNMETERED = ("similar", "find")
FAMILY_ORDER = ("messages", "audio", "images")  # as /usage and /stats list them
DAY_S = 24 * 3600
USAGE_TTL_S = 2 * DAY_S  # /stats shows today's only
AUDIO_BYTES_PER_S = 16_000  # a 128 kbit/s MP3: the guess for a file Telegram gave no duration
MINUTE_S = 60


@dataclass(frozen=True)
class Charge:
    """What a job will cost its user, against what they have used today and their limit (0: none)."""

    user_id: int
    family: str | None
    amount: int
    used: int
    limit: int
    exempt: bool
    language: str | None

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def refusal(self) -> str | None:
        """What the user hears when this job would pass their limit; None to go ahead."""
        if self.family is None or self.exempt or not self.limit or self.used + self.amount <= self.limit:
            return None
        words = texts.for_language(self.language)
        if self.family == "audio" and self.left:
            return words.QUOTA_AUDIO_TOO_LONG.format(need=minutes(self.amount), left=minutes(self.left),
                                                     limit=minutes(self.limit), reset=resets_in())
        return words.QUOTA_REACHED.format(limit=shown(self.family, self.limit), unit=words.QUOTA_UNITS[self.family],
                                          reset=resets_in())


def today() -> int:
    return int(time.time() // DAY_S)


def resets_in() -> str:
    """How long until the next UTC midnight, e.g. "5 h 12 min"."""
    return format_duration(DAY_S - time.time() % DAY_S)


def minutes(seconds: float) -> str:
    """Seconds as minutes with at most one decimal: 90 → "1.5", 600 → "10"."""
    return f"{math.ceil(seconds / 6) / 10:g}"


def shown(family: str, amount: float) -> str:
    return minutes(amount) if family == "audio" else str(int(amount))


def limit_of(settings: Settings, family: str) -> int:
    """A family's daily limit per user, in its own unit (audio in seconds); 0 for none."""
    return {"messages": settings.pipegram_quota_messages, "images": settings.pipegram_quota_images,
            "audio": int(settings.pipegram_quota_audio_minutes * MINUTE_S)}[family]


def cost(family: str | None, options: dict[str, Any], settings: Settings) -> int:
    """What one job costs: one message or image, or a recording's seconds (at most what a worker accepts)."""
    if family != "audio":
        return 1
    size = int(options.get("file_size") or 0)
    seconds = float(options.get("duration") or 0) or max(MINUTE_S, size / AUDIO_BYTES_PER_S)
    return math.ceil(min(seconds, settings.pipegram_max_audio_s))


async def check(r: aioredis.Redis, settings: Settings, user_id: int, language: str | None, skill: str,
                options: dict[str, Any]) -> Charge:
    """The charge for this job, with today's use read from Redis; its `refusal` says whether it may go ahead."""
    family = FAMILIES.get(skill)
    used = await r.hget(usage_key(today(), family), str(user_id)) if family else None
    return Charge(user_id, family, cost(family, options, settings), int(as_text(used)) if used else 0,
                  limit_of(settings, family) if family else 0, settings.is_admin(user_id), language)


async def record(r: aioredis.Redis, charge: Charge) -> str | None:
    """Count a queued job; returns a note for the user the first time it leaves them near their limit."""
    if charge.family is None:
        return None
    key = usage_key(today(), charge.family)
    async with r.pipeline() as tx:
        tx.hincrby(key, str(charge.user_id), charge.amount)
        tx.expire(key, USAGE_TTL_S)
        used, _ = await tx.execute()
    if charge.exempt or not charge.limit:
        return None
    near = max(MINUTE_S if charge.family == "audio" else 1, charge.limit // 10)
    if not charge.limit - (used - charge.amount) > near >= charge.limit - used:
        return None
    words = texts.for_language(charge.language)
    return words.QUOTA_LOW.format(left=shown(charge.family, max(0, charge.limit - used)),
                                  limit=shown(charge.family, charge.limit), unit=words.QUOTA_UNITS[charge.family],
                                  reset=resets_in())


async def used_today(r: aioredis.Redis, user_id: int) -> dict[str, int]:
    """A user's use of each family today."""
    async with r.pipeline() as tx:
        for family in FAMILY_ORDER:
            tx.hget(usage_key(today(), family), str(user_id))
        found = await tx.execute()
    return {family: int(as_text(value)) if value else 0 for family, value in zip(FAMILY_ORDER, found, strict=True)}


def render_usage(words: ModuleType, used: dict[str, int], settings: Settings, admin: bool) -> str:
    """/usage: each family's use today and what is left of its limit, then when the limits reset."""
    lines = [words.USAGE_HEADER]
    for family, amount in used.items():
        limit = limit_of(settings, family)
        line = words.USAGE_LINE if limit else words.USAGE_UNLIMITED_LINE
        lines.append(line.format(family=words.QUOTA_FAMILIES[family], used=shown(family, amount),
                                 limit=shown(family, limit), left=shown(family, max(0, limit - amount))))
    limited = any(limit_of(settings, family) for family in used)
    lines.append(words.USAGE_ADMIN if admin and limited else
                 words.USAGE_RESETS.format(reset=resets_in()) if limited else words.USAGE_NO_LIMITS)
    return "\n".join(lines)


async def usage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user what they have used today, what is left, and when it resets."""
    user, settings = update.effective_user, context.bot_data["settings"]
    used = await used_today(context.bot_data["redis"], user.id)
    await update.effective_message.reply_text(render_usage(texts.get(update), used, settings,
                                                           settings.is_admin(user.id)))


async def read_usage(r: aioredis.Redis) -> dict[str, dict[int, int]]:
    """Today's use of each family, by user."""
    async with r.pipeline() as tx:
        for family in FAMILY_ORDER:
            tx.hgetall(usage_key(today(), family))
        found = await tx.execute()
    return {family: {int(as_text(user)): int(as_text(amount)) for user, amount in by_user.items()}
            for family, by_user in zip(FAMILY_ORDER, found, strict=True)}
