"""Per-user limits with real Redis: message rate, waiting cap, and /cancel marking jobs for the workers."""

from __future__ import annotations

import asyncio
import itertools

import redis.asyncio as aioredis

from bot import limits, texts
from shared.keys import cancelled_key, waiting_key
from shared.settings import Settings

_users = itertools.count(880_000)


def settings(**overrides: int) -> Settings:
    return Settings(_env_file=None, **overrides)


def test_the_message_rate_refuses_once_then_silently(redis_url: str) -> None:
    async def scenario() -> list[str | None]:
        r, user = aioredis.Redis.from_url(redis_url), next(_users)
        answers = [await limits.refusal(r, user, settings(pipegram_user_rate=3)) for _ in range(5)]
        await r.aclose()
        return answers

    answers = asyncio.run(scenario())
    assert answers[:3] == [None, None, None]
    assert answers[3] == texts.TOO_FAST.format(limit=3) and answers[4] == ""


def test_too_many_waiting_jobs_are_refused_until_one_starts(redis_url: str) -> None:
    async def scenario() -> tuple[str | None, str | None]:
        r, user = aioredis.Redis.from_url(redis_url), next(_users)
        for n in range(2):
            await limits.track_waiting(r, user, f"job-{n}")
        full = await limits.refusal(r, user, settings(pipegram_max_waiting=2))
        await r.srem(waiting_key(user), "job-0")  # what a worker does when it starts the job
        room = await limits.refusal(r, user, settings(pipegram_max_waiting=2))
        await r.aclose()
        return full, room

    full, room = asyncio.run(scenario())
    assert full == texts.TOO_MANY_WAITING.format(count=2) and room is None


def test_cancel_marks_every_waiting_job_and_empties_the_list(redis_url: str) -> None:
    async def scenario() -> tuple[int, int, list[int], int]:
        r, user = aioredis.Redis.from_url(redis_url), next(_users)
        for job in ("a", "b", "c"):
            await limits.track_waiting(r, user, f"{user}-{job}")
        count = await limits.cancel_waiting(r, user)
        marks = [await r.exists(cancelled_key(f"{user}-{job}")) for job in ("a", "b", "c")]
        again = await limits.cancel_waiting(r, user)
        left = await r.scard(waiting_key(user))
        await r.aclose()
        return count, again, marks, left

    count, again, marks, left = asyncio.run(scenario())
    assert (count, again, marks, left) == (3, 0, [1, 1, 1], 0)
