"""/stats for the bot's admins (ADMIN_USERS): jobs, latency percentiles and errors per skill, and the queues."""

from __future__ import annotations

import asyncio
from types import ModuleType

import redis
from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from shared import jobstats, store
from shared.keys import job_outcomes_key, job_times_key
from shared.skills import SKILL_QUEUES
from shared.status import read_status, render_status


def read_stats(r: redis.Redis) -> list[jobstats.SkillStats]:
    """Every skill that has finished a job, from the figures the workers keep in Redis."""
    found = [jobstats.skill_stats(skill, r.lrange(job_times_key(skill), 0, -1),
                                  r.hgetall(job_outcomes_key(skill))) for skill in SKILL_QUEUES]
    return [stats for stats in found if stats.jobs]


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def render_stats(words: ModuleType, stats: list[jobstats.SkillStats]) -> str:
    """One line per skill under a header, or a line saying nothing has run yet."""
    lines = [words.STATS_LINE.format(skill=s.skill, jobs=s.jobs, p50=seconds(s.p50_s), p95=seconds(s.p95_s),
                                     errors=s.errors) for s in stats]
    return "\n".join([words.STATS_HEADER.format(keep=jobstats.KEEP), *(lines or [words.STATS_NONE])])


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Per-skill figures and the queues, for admins only."""
    words, settings = texts.get(update), context.bot_data["settings"]
    if not settings.is_admin(update.effective_user.id):
        await update.effective_message.reply_text(words.STATS_ONLY_ADMINS)
        return

    def read() -> tuple[list[jobstats.SkillStats], str]:
        with store.connect(settings.redis_url) as r:
            return read_stats(r), render_status(read_status(r))

    figures, status = await asyncio.to_thread(read)
    await update.effective_message.reply_text(f"{render_stats(words, figures)}\n\n{status}")
