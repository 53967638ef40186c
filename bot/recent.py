"""Each chat's last text messages, kept in Redis so /find can search them; bounded and expiring."""

from __future__ import annotations

import json
import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from shared.keys import recent_messages_key
from shared.settings import Settings

log = logging.getLogger(__name__)


async def keep_message(r: aioredis.Redis, chat_id: int, message_id: int, text: str, settings: Settings) -> None:
    """Append a message, keep only the chat's last PIPEGRAM_RECENT_MESSAGES, refresh the expiry; never fail."""
    if not text.strip():
        return
    key = recent_messages_key(chat_id)
    try:
        async with r.pipeline() as tx:
            tx.rpush(key, json.dumps({"id": message_id, "text": text}))
            tx.ltrim(key, -settings.pipegram_recent_messages, -1)
            tx.expire(key, settings.pipegram_recent_ttl)
            await tx.execute()
    except RedisError:
        log.warning("could not keep message %s of chat %s for /find", message_id, chat_id, exc_info=True)
