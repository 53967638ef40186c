"""Per-user settings, kept in Redis with no expiry; the bot copies what a job needs into its options."""

from __future__ import annotations

import redis.asyncio as aioredis

from shared.keys import prefs_key
from shared.store import as_text


async def load_prefs(r: aioredis.Redis, user_id: int) -> dict[str, str]:
    """All of a user's settings (empty when none were set)."""
    raw = await r.hgetall(prefs_key(user_id))
    return {as_text(key): as_text(value) for key, value in raw.items()}


async def save_pref(r: aioredis.Redis, user_id: int, name: str, value: str) -> None:
    """Set one of a user's settings."""
    await r.hset(prefs_key(user_id), name, value)



ANSWER_LENGTH_PREF = "answer_length"
ANSWER_LENGTHS = ("short", "normal", "long")


async def answer_length(r: aioredis.Redis, user_id: int) -> str:
    """How long the user wants answers: short, normal (the default) or long."""
    value = (await load_prefs(r, user_id)).get(ANSWER_LENGTH_PREF, "normal")
    return value if value in ANSWER_LENGTHS else "normal"


def summary_length(answer: str) -> str:
    """The /summarize length (short, medium, long) that matches an answer length."""
    return "medium" if answer == "normal" else answer
