"""The shared send-rate limiter: slots reserved in Redis keep the bot and every worker under Telegram's limits."""

import asyncio

import redis
import redis.asyncio as aioredis

from shared.keys import send_rate_key
from shared.ratelimit import GLOBAL_S, PER_CHAT_S, PER_GROUP_S, AsyncSendRateLimiter, SendRateLimiter


def close_to(waits: list[float], expected: list[float], slack: float = 0.25) -> bool:
    return all(abs(wait - want) < slack for wait, want in zip(waits, expected, strict=True))


def test_a_private_chat_gets_one_message_a_second(redis_url: str) -> None:
    limiter = SendRateLimiter(redis.Redis.from_url(redis_url))
    waits = [limiter.reserve_chat(424201) for _ in range(4)]
    assert close_to(waits, [n * PER_CHAT_S for n in range(4)]), waits


def test_a_group_gets_twenty_a_minute(redis_url: str) -> None:
    limiter = SendRateLimiter(redis.Redis.from_url(redis_url))
    waits = [limiter.reserve_chat(-424202) for _ in range(3)]
    assert close_to(waits, [0, PER_GROUP_S, 2 * PER_GROUP_S]), waits


def test_a_busy_chat_does_not_hold_up_other_chats(redis_url: str) -> None:
    limiter = SendRateLimiter(redis.Redis.from_url(redis_url))
    for _ in range(5):
        limiter.reserve_chat(424203)
    assert limiter.reserve_chat(424204) < 0.05


def test_two_workers_share_the_global_budget(redis_url: str) -> None:
    first, second = (SendRateLimiter(redis.Redis.from_url(redis_url)) for _ in range(2))
    redis.Redis.from_url(redis_url).delete(send_rate_key("global"))
    waits = [(first if n % 2 else second).reserve_global() for n in range(60)]
    # Sixty sends reserved at once through two limiters: the last waits for about 59 global slots (~2 s).
    assert abs(waits[-1] - 59 * GLOBAL_S) < 0.3, waits[-1]
    assert waits == sorted(waits)


def test_a_courtesy_message_gives_up_its_turn_rather_than_wait_long(redis_url: str) -> None:
    async def turns() -> list[bool]:
        r = aioredis.Redis.from_url(redis_url)
        limiter = AsyncSendRateLimiter(r)
        await r.delete(send_rate_key("global"))  # other tests' reservations would hold the first turn
        try:
            # The first goes now; the second would wait a second (PER_CHAT_S), past the half second allowed.
            return [await limiter.take_turn(424205, max_wait_s=0.5) for _ in range(2)]
        finally:
            await r.aclose()

    assert asyncio.run(turns()) == [True, False]
    # Giving up reserved nothing: a worker's reply is not pushed back by it.
    assert SendRateLimiter(redis.Redis.from_url(redis_url)).reserve_chat(424205) < PER_CHAT_S + 0.25


def test_a_skippable_update_takes_a_free_slot_and_never_queues(redis_url: str) -> None:
    limiter = SendRateLimiter(redis.Redis.from_url(redis_url))
    redis.Redis.from_url(redis_url).delete(send_rate_key("global"))  # earlier tests may have booked it ahead
    assert limiter.try_turn(424207)  # free: taken
    assert not limiter.try_turn(424207)  # taken a moment ago: skipped, nothing reserved
    assert close_to([limiter.reserve_chat(424207)], [PER_CHAT_S])  # the message after waits one slot, not two
    assert limiter.try_turn(-424208) and not limiter.try_turn(-424208)
