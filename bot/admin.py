"""Commands for the bot's admins (ADMIN_USERS): /stats (jobs, latency and errors per skill, the queues, today's use)
and /allow, /deny (who may use the bot, bot/access.py)."""

from __future__ import annotations

import asyncio
from types import ModuleType

import redis
import redis.asyncio as aioredis
from telegram import Update
from telegram.ext import ContextTypes

from bot import access, quotas, texts
from bot.speech import argument
from shared import jobstats, store
from shared.keys import job_outcomes_key, job_times_key
from shared.settings import Settings
from shared.skills import SKILL_QUEUES
from shared.status import read_status, render_status

TOP_USERS = 5  # /stats names the heaviest users of each family
LISTED = 30  # names /allow shows before "and N more"


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
    use = await render_use(words, context.bot_data["redis"], settings)
    await update.effective_message.reply_text(f"{render_stats(words, figures)}\n\n{status}\n\n{use}")


async def render_use(words: ModuleType, r: aioredis.Redis, settings: Settings) -> str:
    """Today's use per family: total, users, how many reached the limit, and the heaviest users."""
    lines = [words.STATS_USAGE_HEADER.format(reset=quotas.resets_in())]
    for family, by_user in (await quotas.read_usage(r)).items():
        if not by_user:
            continue
        limit = quotas.limit_of(settings, family)
        top = sorted(by_user, key=lambda user: -by_user[user])[:TOP_USERS]
        heaviest = [f"{name} {quotas.shown(family, by_user[user])}"
                    for name, user in zip(await access.names(r, top), top, strict=True)]
        lines.append(words.STATS_USAGE_LINE.format(
            family=words.QUOTA_FAMILIES[family], total=quotas.shown(family, sum(by_user.values())),
            users=len(by_user), limit=quotas.shown(family, limit) if limit else words.STATS_NO_LIMIT,
            full=sum(limit > 0 and amount >= limit for amount in by_user.values()), top=", ".join(heaviest)))
    return "\n".join(lines if len(lines) > 1 else [*lines, words.STATS_USAGE_NONE])


async def allow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let a user (an id, an @username, the author of the replied-to message) or everyone use the bot, at once."""
    await change_access(update, context, admit=True)


async def deny(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a user out (or, with `everyone`, make the bot private), at once."""
    await change_access(update, context, admit=False)


async def change_access(update: Update, context: ContextTypes.DEFAULT_TYPE, admit: bool) -> None:
    """/allow or /deny: for admins only; change the list as the command says and tell the admin what changed."""
    message, words, settings = update.effective_message, texts.get(update), context.bot_data["settings"]
    r: aioredis.Redis = context.bot_data["redis"]
    if not settings.is_admin(update.effective_user.id):
        await message.reply_text(words.ACCESS_ONLY_ADMINS)
        return
    who = access.target(message, argument(message))
    refused: set[int] = context.bot_data.setdefault("refused", set())  # who was told they may not use the bot
    if who is None:
        reply = await render_access(words, r)
    elif who == access.EVERYONE:
        reply = await apply_to_everyone(words, r, admit)
        refused.difference_update({chat for chat in refused if chat > 0})  # users (not groups) shut out hear why
    elif (user_id := who if isinstance(who, int) else await access.user_id_of(r, who)) is None:
        reply = words.ACCESS_UNKNOWN_USERNAME.format(name=who)
    else:
        reply = await apply(words, r, settings, user_id, admit)
        refused.discard(user_id)  # a newly denied user hears why, once
    await message.reply_text(reply)


async def apply_to_everyone(words: ModuleType, r: aioredis.Redis, admit: bool) -> str:
    """Open the bot to all but denied users, or make it private; the sentence that says who may use it now."""
    await access.set_open(r, admit)
    now = await access.read(r)
    return words.ACCESS_OPENED.format(denied=len(now.denied)) if admit else words.ACCESS_CLOSED.format(
        count=len(now.allowed))


async def apply(words: ModuleType, r: aioredis.Redis, settings: Settings, user_id: int, admit: bool) -> str:
    """Allow or deny one user; the sentence that tells the admin what changed."""
    [name] = await access.names(r, [user_id])
    if not admit and settings.is_admin(user_id):
        return words.ACCESS_DENY_ADMIN.format(user=name)
    if not admit:
        await access.deny(r, user_id)
        return words.ACCESS_DENIED.format(user=name)
    closed = await access.allow(r, user_id)
    return words.ACCESS_ALLOWED.format(user=name) + (words.ACCESS_NOW_PRIVATE if closed else "")


async def render_access(words: ModuleType, r: aioredis.Redis) -> str:
    """Who may use the bot now, and how to change it."""
    now = await access.read(r)
    shown = words.ACCESS_PRIVATE if now.private else words.ACCESS_OPEN
    return shown.format(allowed=listing(words, await access.names(r, now.allowed)),
                        denied=listing(words, await access.names(r, now.denied))) + "\n\n" + words.ACCESS_USAGE


def listing(words: ModuleType, names: list[str]) -> str:
    if not names:
        return words.ACCESS_NOBODY
    more = words.ACCESS_MORE.format(count=len(names) - LISTED) if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more
