"""The access list with real Redis: open by default, private once it has a list, denials that outlive restarts."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as aioredis
from telegram import Chat, Message, MessageOriginUser, User

from bot import access
from shared.settings import Settings

T = TypeVar("T")
ADMIN, ALICE, BOB, CAROL = 1, 101, 102, 103


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, admin_users=str(ADMIN), **values)


def user(user_id: int, username: str | None = None) -> User:
    return User(user_id, "Test", is_bot=False, username=username)


def with_redis(url: str, scenario: Callable[[aioredis.Redis], Awaitable[T]]) -> T:
    async def run() -> T:
        r = aioredis.Redis.from_url(url)
        try:
            return await scenario(r)
        finally:
            await r.aclose()
    return asyncio.run(run())


async def who_gets_in(r: aioredis.Redis, config: Settings) -> list[int]:
    return [user_id for user_id in (ADMIN, ALICE, BOB, CAROL) if await access.admits(r, config, user(user_id))]


def test_open_until_the_first_allow_then_private(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> list[object]:
        config = settings()
        seen = [await who_gets_in(r, config)]
        await access.deny(r, CAROL)  # on an open bot: everyone but Carol
        seen.append(await who_gets_in(r, config))
        seen.append(await access.allow(r, ALICE))  # the first /allow makes the bot private...
        seen.append(await who_gets_in(r, config))
        seen.append(await access.allow(r, BOB))  # ...once
        seen.append(await who_gets_in(r, config))
        return seen

    everyone, all_but_carol, closed, alice_only, closed_again, listed = with_redis(own_redis_url, scenario)
    assert everyone == [ADMIN, ALICE, BOB, CAROL] and all_but_carol == [ADMIN, ALICE, BOB]
    assert closed is True and alice_only == [ADMIN, ALICE]
    assert closed_again is False and listed == [ADMIN, ALICE, BOB]


def test_emptying_the_list_keeps_the_bot_private_and_everyone_opens_it(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> list[list[int]]:
        config = settings()
        await access.allow(r, ALICE)
        await access.deny(r, ALICE)
        empty = await who_gets_in(r, config)
        await access.set_open(r, True)
        opened = await who_gets_in(r, config)
        await access.allow(r, CAROL)  # on a bot an admin opened, /allow does not close it
        still_open = await who_gets_in(r, config)
        await access.set_open(r, False)
        return [empty, opened, still_open, await who_gets_in(r, config)]

    empty, opened, still_open, private = with_redis(own_redis_url, scenario)
    assert empty == [ADMIN]
    assert opened == still_open == [ADMIN, BOB, CAROL]  # Alice stays denied
    assert private == [ADMIN, CAROL]


def test_allowed_users_seed_the_list_and_a_denial_survives_a_restart(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> list[list[int]]:
        config = settings(allowed_users=f"{ALICE},{BOB}")
        await access.seed(r, config)
        seeded = await who_gets_in(r, config)
        await access.deny(r, BOB)
        await access.seed(r, config)  # the bot restarts with the same ALLOWED_USERS
        after_restart = await who_gets_in(r, config)
        await access.allow(r, BOB)
        return [seeded, after_restart, await who_gets_in(r, config)]

    seeded, after_restart, allowed_again = with_redis(own_redis_url, scenario)
    assert seeded == [ADMIN, ALICE, BOB]
    assert after_restart == [ADMIN, ALICE]
    assert allowed_again == [ADMIN, ALICE, BOB]


def test_a_bot_an_admin_opened_stays_open_across_a_restart(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> list[int]:
        config = settings(allowed_users=str(ALICE))
        await access.seed(r, config)
        await access.set_open(r, True)
        await access.seed(r, config)
        return await who_gets_in(r, config)

    assert with_redis(own_redis_url, scenario) == [ADMIN, ALICE, BOB, CAROL]


def test_usernames_of_users_who_wrote_resolve_in_any_case(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> tuple[int | None, int | None, list[str]]:
        await access.admits(r, settings(), user(ALICE, "Alice_W"))
        return (await access.user_id_of(r, "@alice_w"), await access.user_id_of(r, "@nobody_here"),
                await access.names(r, [ALICE, BOB]))

    found, unknown, names = with_redis(own_redis_url, scenario)
    assert found == ALICE and unknown is None
    assert names == [f"@Alice_W ({ALICE})", str(BOB)]


def test_the_list_shows_who_is_on_it(own_redis_url: str) -> None:
    async def scenario(r: aioredis.Redis) -> access.Access:
        await access.allow(r, BOB)
        await access.allow(r, ALICE)
        await access.deny(r, CAROL)
        return await access.read(r)

    assert with_redis(own_redis_url, scenario) == access.Access(True, [ALICE, BOB], [CAROL])


def message(text: str, replied: Message | None = None) -> Message:
    date = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    return Message(1, date, Chat(ADMIN, Chat.PRIVATE), from_user=user(ADMIN), text=text, reply_to_message=replied)


def test_allow_and_deny_name_a_user_by_id_username_or_a_reply() -> None:
    date = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    theirs = Message(2, date, Chat(ADMIN, Chat.PRIVATE), from_user=user(BOB), text="hi")
    forwarded = Message(3, date, Chat(ADMIN, Chat.PRIVATE), from_user=user(ADMIN), text="hi",
                        forward_origin=MessageOriginUser(date, user(CAROL)))
    bots = Message(4, date, Chat(ADMIN, Chat.PRIVATE), from_user=User(9, "Bot", is_bot=True), text="hi")
    assert access.target(message("/allow 123456"), "123456") == 123456
    assert access.target(message("/allow @Alice"), "@Alice") == "@Alice"
    assert access.target(message("/allow alice"), "alice") == "@alice"
    assert access.target(message("/allow Everyone"), "Everyone") == access.EVERYONE
    assert access.target(message("/allow", theirs), "") == BOB
    assert access.target(message("/deny", forwarded), "") == CAROL
    assert access.target(message("/deny", bots), "") is None
    assert access.target(message("/allow"), "") is None
