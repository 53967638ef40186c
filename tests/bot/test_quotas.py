"""Daily quotas with real Redis: what each job costs, the note near the limit, the refusal at it, /usage and /stats."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
import redis.asyncio as aioredis

from bot import admin, quotas, texts, texts_de
from shared.settings import Settings
from shared.skills import SKILL_QUEUES

ADMIN = 1
_users = itertools.count(770_000)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, admin_users=str(ADMIN), **values)


async def ask(r: aioredis.Redis, config: Settings, user: int, skill: str, language: str | None = None,
              **options: Any) -> str | None:
    """What submit does: check, and count the job if it may go; the refusal, the note, or None."""
    charge = await quotas.check(r, config, user, language, skill, options)
    if charge.refusal:
        return charge.refusal
    return await quotas.record(r, charge)


def run(url: str, scenario: Any) -> Any:
    async def go() -> Any:
        r = aioredis.Redis.from_url(url)
        try:
            return await scenario(r)
        finally:
            await r.aclose()
    return asyncio.run(go())


@pytest.fixture
def midnight_in_5_hours(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(quotas.time, "time", lambda: 20_000 * quotas.DAY_S + 19 * 3600)
    return "5 h 0 min"


def test_every_skill_is_counted_in_a_family_or_named_free() -> None:
    assert sorted([*quotas.FAMILIES, *quotas.UNMETERED]) == sorted(SKILL_QUEUES)
    assert set(quotas.FAMILIES.values()) == set(quotas.FAMILY_ORDER) == set(texts.QUOTA_UNITS)


def test_a_recording_costs_its_seconds_or_a_guess_from_its_size() -> None:
    config = settings()
    assert quotas.cost("messages", {"duration": 500}, config) == 1
    assert quotas.cost("audio", {"duration": 90, "file_size": 10**7}, config) == 90
    assert quotas.cost("audio", {"file_size": 1_600_000}, config) == 100  # an MP3 at 128 kbit/s
    assert quotas.cost("audio", {"file_size": 5_000}, config) == 60  # at least a minute
    assert quotas.cost("audio", {"duration": 7200}, config) == 600  # no more than a worker accepts
    assert [quotas.minutes(s) for s in (90, 600, 1, 0)] == ["1.5", "10", "0.1", "0"]


def test_messages_run_out_with_a_note_first_and_the_reset_time_last(redis_url: str, midnight_in_5_hours: str) -> None:
    user, config = next(_users), settings(pipegram_quota_messages=3)
    answers = run(redis_url, lambda r: _in_turn(r, config, user, ["chat", "translate", "say", "summarize", "similar"]))
    assert answers == [
        None,
        texts.QUOTA_LOW.format(left=1, limit=3, unit="messages", reset=midnight_in_5_hours),
        None,
        texts.QUOTA_REACHED.format(limit=3, unit="messages", reset=midnight_in_5_hours),
        None,  # /similar is not counted
    ]


async def _in_turn(r: aioredis.Redis, config: Settings, user: int, skills: list[str]) -> list[str | None]:
    return [await ask(r, config, user, skill) for skill in skills]


def test_a_recording_longer_than_what_is_left_is_refused_with_both_figures(redis_url: str,
                                                                           midnight_in_5_hours: str) -> None:
    user, config = next(_users), settings(pipegram_quota_audio_minutes=2)

    async def scenario(r: aioredis.Redis) -> list[str | None]:
        return [await ask(r, config, user, "transcribe", "de", duration=90),
                await ask(r, config, user, "classify_sound", "de", duration=60),
                await ask(r, config, user, "transcribe", "de", duration=30)]

    first, too_long, fits = run(redis_url, scenario)
    assert first == texts_de.QUOTA_LOW.format(left="0.5", limit="2", unit="Audiominuten", reset=midnight_in_5_hours)
    assert too_long == texts_de.QUOTA_AUDIO_TOO_LONG.format(need="1", left="0.5", limit="2",
                                                            reset=midnight_in_5_hours)
    assert fits is None


def test_admins_are_counted_but_never_refused(redis_url: str) -> None:
    config = settings(pipegram_quota_images=1)

    async def scenario(r: aioredis.Redis) -> tuple[list[str | None], dict[str, int]]:
        answers = [await ask(r, config, ADMIN, "detect") for _ in range(3)]
        return answers, await quotas.used_today(r, ADMIN)

    answers, used = run(redis_url, scenario)
    assert answers == [None, None, None] and used["images"] >= 3


def test_usage_says_what_is_left_and_when_it_resets(midnight_in_5_hours: str) -> None:
    config = settings(pipegram_quota_messages=50, pipegram_quota_audio_minutes=30)
    report = quotas.render_usage(texts, {"messages": 12, "audio": 270, "images": 3}, config, admin=False)
    assert report.splitlines() == [
        texts.USAGE_HEADER,
        "💬 Messages: 12 of 50 used, 38 left",
        "🎙 Audio minutes: 4.5 of 30 used, 25.5 left",
        "🖼 Images: 3, no limit",
        texts.USAGE_RESETS.format(reset=midnight_in_5_hours),
    ]
    assert quotas.render_usage(texts, {"messages": 1, "audio": 0, "images": 0}, settings(), admin=False
                               ).endswith(texts.USAGE_NO_LIMITS)
    assert quotas.render_usage(texts, {"messages": 1, "audio": 0, "images": 0}, config, admin=True
                               ).endswith(texts.USAGE_ADMIN)


def test_stats_show_todays_use_with_the_heaviest_users(own_redis_url: str) -> None:
    config = settings(pipegram_quota_messages=2)
    heavy, light = next(_users), next(_users)

    async def scenario(r: aioredis.Redis) -> tuple[str, str]:
        nothing = await admin.render_use(texts, r, config)
        for user, times in ((heavy, 3), (light, 1)):
            for _ in range(times):
                await ask(r, config, user, "chat")
        await ask(r, config, heavy, "transcribe", duration=45)
        return nothing, await admin.render_use(texts, r, config)

    nothing, report = run(own_redis_url, scenario)
    assert nothing.splitlines()[1:] == [texts.STATS_USAGE_NONE]
    assert report.splitlines()[1:] == [
        f"• 💬 Messages: 3 by 2 user(s), limit 2, 1 reached it; most: {heavy} 2, {light} 1",  # the third was refused
        f"• 🎙 Audio minutes: 0.8 by 1 user(s), limit none, 0 reached it; most: {heavy} 0.8",
    ]
