"""One send-rate limiter for the bot and all workers, kept in Redis, under Telegram's limits.

Each key holds the earliest time its next message may go. A send first reserves a slot on its chat's key,
waits for it, then reserves one on the global key: the global slot is taken at send time, so a slow chat
never holds up the others. Reserving (a Lua script, so workers on many machines agree) instead of polling
means no retry loops and first come, first served.
"""

from __future__ import annotations

import asyncio
import time

import redis
import redis.asyncio as aioredis

from shared.keys import send_rate_key

PER_CHAT_S = 1.0  # about one message a second in a private chat
PER_GROUP_S = 3.0  # 20 a minute in a group
GLOBAL_S = 1 / 30  # about 30 a second overall

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local interval = tonumber(ARGV[1])
if ARGV[2] and start - now > tonumber(ARGV[2]) then return '-1' end
redis.call('SET', KEYS[1], tostring(start + interval), 'PX', math.ceil((start + interval - now) * 1000) + 1000)
return tostring(start - now)
"""
# The same, but only if the slot is free now (else nothing is reserved): for sends that may be skipped.
_TAKE_IF_FREE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
if tonumber(redis.call('GET', KEYS[1]) or '0') > now then return 0 end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(now + interval), 'PX', math.ceil(interval * 1000) + 1000)
return 1
"""


def chat_interval(chat_id: int) -> float:
    """Seconds between two messages to this chat (groups have a lower rate)."""
    return PER_GROUP_S if chat_id < 0 else PER_CHAT_S


class SendRateLimiter:
    """Reserves send slots shared by every worker on the same Redis."""

    def __init__(self, r: redis.Redis) -> None:
        self.script = r.register_script(_RESERVE)
        self.take_if_free = r.register_script(_TAKE_IF_FREE)

    def reserve_chat(self, chat_id: int) -> float:
        """Seconds until this chat may get its next message (groups have a lower rate)."""
        return float(self.script(keys=[send_rate_key(f"chat:{chat_id}")], args=[chat_interval(chat_id)]))

    def try_turn(self, chat_id: int) -> bool:
        """Take this chat's and the global slot if both are free now; False (nothing taken) otherwise.

        For updates that may be skipped, such as a streaming answer's next draft: they never queue up.
        """
        if not self.take_if_free(keys=[send_rate_key(f"chat:{chat_id}")], args=[chat_interval(chat_id)]):
            return False
        time.sleep(self.reserve_global())
        return True

    def reserve_global(self) -> float:
        """Seconds until the bot may send its next message to anyone."""
        return float(self.script(keys=[send_rate_key("global")], args=[GLOBAL_S]))

    def wait_turn(self, chat_id: int) -> None:
        """Block until a message may go to this chat (run it off the event loop)."""
        time.sleep(self.reserve_chat(chat_id))
        time.sleep(self.reserve_global())


class AsyncSendRateLimiter:
    """The same slots, for the bot's event loop; a courtesy message gives up its turn instead of waiting long."""

    def __init__(self, r: aioredis.Redis) -> None:
        self.script = r.register_script(_RESERVE)

    async def take_turn(self, chat_id: int, max_wait_s: float) -> bool:
        """Wait for this chat's next slot and a global one; False (nothing reserved) if the chat's is further off."""
        wait = float(await self.script(keys=[send_rate_key(f"chat:{chat_id}")],
                                       args=[chat_interval(chat_id), max_wait_s]))
        if wait < 0:
            return False
        await asyncio.sleep(wait)
        await asyncio.sleep(float(await self.script(keys=[send_rate_key("global")], args=[GLOBAL_S])))
        return True
