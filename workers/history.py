"""The chat skill's memory: a chat's last turns in Redis, bounded and expiring."""

from __future__ import annotations

import json

import redis

from shared.keys import history_key


def load_history(r: redis.Redis, chat_id: int) -> list[dict[str, str]]:
    """The chat's remembered turns, oldest first."""
    return [json.loads(item) for item in r.lrange(history_key(chat_id), 0, -1)]


def remember(r: redis.Redis, chat_id: int, turns: list[dict[str, str]], max_turns: int, ttl_s: int) -> None:
    """Append turns, keep only the last `max_turns` messages, and refresh the expiry."""
    key = history_key(chat_id)
    with r.pipeline() as tx:
        tx.rpush(key, *(json.dumps(turn) for turn in turns))
        tx.ltrim(key, -max_turns, -1)
        tx.expire(key, ttl_s)
        tx.execute()
