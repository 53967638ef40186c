"""Replies of several messages are resumable: a redelivered job continues its reply where its dead worker stopped.

A long answer goes out as several messages. If the worker dies between them, the redelivery (same job id) would
send all of them again, with a new text if the model samples: the user would see the first part twice. So the
text and how many messages of it are out are kept in Redis while sending; a redelivery of the same job sends the
same text from the first message not yet out. What remains is the moment between one message and its count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import redis

from shared.keys import reply_progress_key
from shared.store import as_text
from workers.skill import Reply

PROGRESS_TTL_S = 600  # as long as a "sending" reply claim


def resume(r: redis.Redis, reply_key: str, job_id: str, reply: Reply) -> tuple[Reply, int]:
    """The reply to send and how many of its messages are already out (0 unless this job's delivery died)."""
    key = reply_progress_key(reply_key)
    kept = {as_text(k): as_text(v) for k, v in r.hgetall(key).items()}  # type: ignore[union-attr]
    if kept.get("job") == job_id:
        return replace(reply, text=kept["text"], parse_mode=kept.get("parse_mode") or None), int(kept["sent"])
    with r.pipeline() as tx:
        tx.delete(key)
        tx.hset(key, mapping={"job": job_id, "text": reply.text, "parse_mode": reply.parse_mode or "", "sent": 0})
        tx.expire(key, PROGRESS_TTL_S)
        tx.execute()
    return reply, 0


def counter(r: redis.Redis, reply_key: str) -> Callable[[int], None]:
    """Records, after each message, how many of the reply's messages are out."""
    def count(sent: int) -> None:
        r.hset(reply_progress_key(reply_key), "sent", sent)

    return count


def finish(r: redis.Redis, reply_key: str) -> None:
    """The whole reply is out."""
    r.delete(reply_progress_key(reply_key))
