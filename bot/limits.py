"""Per-user fairness, enforced before anything is enqueued: a message rate, a cap on waiting jobs, /cancel."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from bot import texts
from shared.keys import WAITING_TTL_S, cancelled_key, user_rate_key, waiting_key
from shared.settings import Settings
from shared.store import as_text


async def refusal(r: aioredis.Redis, user_id: int, settings: Settings, language: str | None = None) -> str | None:
    """Why this user's next job may not be queued now ("" means drop it silently), or None to go ahead."""
    key = user_rate_key(user_id, int(time.time() // 60))
    async with r.pipeline() as tx:
        tx.incr(key)
        tx.expire(key, 120)
        tx.scard(waiting_key(user_id))
        sent, _, waiting = await tx.execute()
    limit, words = settings.pipegram_user_rate, texts.for_language(language)
    if sent > limit:
        return words.TOO_FAST.format(limit=limit) if sent == limit + 1 else ""  # say it once a minute
    if waiting >= settings.pipegram_max_waiting:
        return words.TOO_MANY_WAITING.format(count=waiting)
    return None


async def track_waiting(r: aioredis.Redis, user_id: int, job_id: str) -> None:
    """Remember a job until a worker starts it (called before it is queued: a fast worker may start it at once)."""
    async with r.pipeline() as tx:
        tx.sadd(waiting_key(user_id), job_id)
        tx.expire(waiting_key(user_id), WAITING_TTL_S)
        await tx.execute()


async def untrack_waiting(r: aioredis.Redis, user_id: int, job_id: str) -> None:
    """Forget a job that never reached its queue."""
    await r.srem(waiting_key(user_id), job_id)


async def cancel_waiting(r: aioredis.Redis, user_id: int) -> int:
    """Mark every waiting job of the user cancelled; returns how many."""
    key = waiting_key(user_id)
    async with r.pipeline() as tx:
        tx.smembers(key)
        tx.delete(key)
        job_ids, _ = await tx.execute()
    if job_ids:
        async with r.pipeline() as tx:
            for job_id in job_ids:
                tx.set(cancelled_key(as_text(job_id)), 1, ex=WAITING_TTL_S)
            await tx.execute()
    return len(job_ids)
