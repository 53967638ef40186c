"""The "queued" status message: where a job stands in line and about when its answer comes (shared/waiting.py)."""

from __future__ import annotations

import json
import time

import redis.asyncio as aioredis
from telegram import Message

from bot import texts
from shared import jobstats, waiting
from shared.keys import job_times_key, worker_key
from shared.settings import Settings
from shared.skills import SKILL_QUEUES

WORKERS_CACHE_S = 15  # workers come and go rarely; scanning their keys on every message would not scale
UNKNOWN_RUN_S = 1.0  # a skill's run time until its first jobs are timed

_workers_seen: dict[str, tuple[float, int]] = {}


async def send_status(message: Message | None, r: aioredis.Redis, skill: str, settings: Settings) -> int | None:
    """Send "⏳ Queued — position N, about T" when the wait is worth telling; returns its message id."""
    async with r.pipeline() as tx:
        tx.llen(SKILL_QUEUES[skill])
        tx.lrange(job_times_key(skill), 0, jobstats.RECENT_FOR_ETA - 1)
        ahead, recent = await tx.execute()
    run_s, workers = jobstats.expected_run_s(recent), await workers_serving(r, skill)
    if message is None or not worth_telling(ahead, run_s, workers, settings.pipegram_status_after_s):
        return None
    eta = waiting.expected_wait_s(ahead, run_s, workers)  # None until the skill's pace is known: no guess shown
    words = texts.for_language(message.from_user.language_code if message.from_user else None)
    sent = await message.reply_text(waiting.queued_text(words.QUEUED, words.QUEUED_ETA, ahead + 1, eta),
                                    disable_notification=True)
    return sent.message_id


def worth_telling(ahead: int, run_s: float | None, workers: int, after_s: float) -> bool:
    """Whether the expected wait reaches after_s; before any job of the skill finished, a job is taken to
    need UNKNOWN_RUN_S."""
    wait = waiting.expected_wait_s(ahead, UNKNOWN_RUN_S if run_s is None else run_s, workers)
    return after_s <= 0 or (wait is not None and wait >= after_s)


async def workers_serving(r: aioredis.Redis, skill: str) -> int:
    """How many announced workers have this skill warm (cached for a few seconds)."""
    expires, count = _workers_seen.get(skill, (0.0, 0))
    if time.monotonic() < expires:
        return count
    count = 0
    async for key in r.scan_iter(worker_key("*")):
        if raw := await r.get(key):
            count += skill in json.loads(raw).get("skills", [])
    _workers_seen[skill] = (time.monotonic() + WORKERS_CACHE_S, count)
    return count
