"""The "queued" status message: where a job stands in line and about when its answer comes (shared/waiting.py)."""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from telegram import Message
from telegram.error import TelegramError

from bot import metrics, texts
from shared import jobstats, waiting
from shared.keys import job_times_key
from shared.ratelimit import AsyncSendRateLimiter
from shared.settings import Settings
from shared.skills import SKILL_QUEUES
from shared.status import live_workers_async

log = logging.getLogger(__name__)

UNKNOWN_RUN_S = 1.0  # a skill's run time until its first jobs are timed
# A status message waits at most this long for its turn in the shared send rate (one group slot, or the worker's
# "Working…" edit and a reply ahead of it in a private chat); beyond, it is left out rather than hold up the
# single update loop longer.
STATUS_MAX_WAIT_S = 3.0


async def send_status(message: Message | None, r: aioredis.Redis, skill: str, settings: Settings) -> int | None:
    """Send "⏳ Queued — position N, about T" when the wait is worth telling; returns its message id.

    A courtesy: None when it is not worth telling, has no send slot soon or fails (a 429 comes exactly when
    queues are long), and the job is queued all the same.
    """
    try:
        return await _send_status(message, r, skill, settings)
    except (TelegramError, RedisError) as exc:
        if isinstance(exc, TelegramError):
            metrics.telegram_error(exc)
        log.warning("no status message for skill %s: %s", skill, exc)
        return None


async def _send_status(message: Message | None, r: aioredis.Redis, skill: str, settings: Settings) -> int | None:
    async with r.pipeline() as tx:
        tx.llen(SKILL_QUEUES[skill])
        tx.lrange(job_times_key(skill), 0, jobstats.RECENT_FOR_ETA - 1)
        ahead, recent = await tx.execute()
    run_s, workers = jobstats.expected_run_s(recent), await workers_serving(r, skill)
    if message is None or not worth_telling(ahead, run_s, workers, settings.pipegram_status_after_s):
        return None
    if not await AsyncSendRateLimiter(r).take_turn(message.chat_id, STATUS_MAX_WAIT_S):
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
    """How many live workers have this skill warm (one read of the workers registry)."""
    return sum(skill in worker.get("skills", []) for worker in await live_workers_async(r))
