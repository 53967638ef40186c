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

