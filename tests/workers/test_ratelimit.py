"""The shared send-rate limiter: slots reserved in Redis keep every worker under Telegram's limits."""

import redis

from shared.keys import send_rate_key
from workers.ratelimit import GLOBAL_S, PER_CHAT_S, PER_GROUP_S, SendRateLimiter


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


def test_a_skippable_update_takes_a_free_slot_and_never_queues(redis_url: str) -> None:
    limiter = SendRateLimiter(redis.Redis.from_url(redis_url))
    redis.Redis.from_url(redis_url).delete(send_rate_key("global"))  # earlier tests may have booked it ahead
    assert limiter.try_turn(424205)  # free: taken
    assert not limiter.try_turn(424205)  # taken a moment ago: skipped, nothing reserved
    assert close_to([limiter.reserve_chat(424205)], [PER_CHAT_S])  # the message after waits one slot, not two
    assert limiter.try_turn(-424206) and not limiter.try_turn(-424206)
