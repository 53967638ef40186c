"""How far a reply got, so a job retried or redelivered mid-reply sends only the messages that did not go out,
with the text and follow-ups of the first time (a new run of the model could word them differently)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import redis
from telegram.error import BadRequest, ChatMigrated, Forbidden

from shared.celery_app import REDELIVERY_WINDOW_S, enqueue
from shared.jobs import Job
from shared.keys import delivery_key, followups_key
from shared.store import as_text
from workers.skill import Reply

# Telegram refuses these for good: sending the same again gets the same answer (PTB's BadRequest is a
# NetworkError, so this must be checked before treating a failure as Telegram being unreachable).
PERMANENT = (BadRequest, Forbidden, ChatMigrated)
# A BadRequest that names these is about the chat itself, so no other message can reach it either.
CHAT_GONE_WORDS = ("chat", "user", "peer", "rights", "bot was")


@dataclass(frozen=True)
class Progress:
    """A reply as it first went out, and how many of its messages (text pieces, then files) did."""

    reply: Reply
    sent: int


def _stored(r: redis.Redis, job: Job) -> tuple[dict, int] | None:
    raw, sent = r.hmget(delivery_key(job.job_id), ["reply", "sent"])
    if raw is None:
        return None
    return json.loads(as_text(raw)), int(sent or 0)


def whole_reply(r: redis.Redis, job: Job) -> Reply | None:
    """The reply this job already began sending when it holds no files (which are not kept): no need to run
    the model again to send the rest."""
    stored = _stored(r, job)
    if stored is None or stored[0]["files"]:
        return None
    return _merged(Reply(), stored[0])


def begin(r: redis.Redis, job: Job, reply: Reply) -> Progress:
    """Where this job's reply stands: resumed if it began going out before, else recorded now."""
    stored = _stored(r, job)
    if stored is not None:
        return Progress(_merged(reply, stored[0]), stored[1])
    record = {"text": reply.text, "parse_mode": reply.parse_mode, "files": len(reply.files),
              "followups": [followup.encode() for followup in reply.followups]}
    with r.pipeline() as tx:
        tx.hset(delivery_key(job.job_id), mapping={"reply": json.dumps(record), "sent": 0})
        tx.expire(delivery_key(job.job_id), REDELIVERY_WINDOW_S)
        tx.execute()
    return Progress(reply, 0)


def _merged(reply: Reply, record: dict) -> Reply:
    return dataclasses.replace(reply, text=record["text"], parse_mode=record["parse_mode"],
                               followups=tuple(Job.decode(followup) for followup in record["followups"]))


def count_sent(r: redis.Redis, job: Job, sent: int) -> None:
    """Note that the reply's first `sent` messages went out."""
    r.hset(delivery_key(job.job_id), "sent", sent)


def start_followups(r: redis.Redis, job: Job, followups: tuple[Job, ...]) -> None:
    """Queue the follow-ups once, before the reply is marked sent: a crash before this point queues them on
    redelivery. A crash between queueing and the mark queues them again with the same job ids, and the copy
    that comes second finds its reply already claimed."""
    if not followups or r.exists(followups_key(job.job_id)):
        return
    for followup in followups:
        enqueue(followup)
    r.set(followups_key(job.job_id), 1, ex=REDELIVERY_WINDOW_S)


def finish(r: redis.Redis, job: Job) -> None:
    """The reply is out and marked sent: its progress is no longer needed."""
    r.delete(delivery_key(job.job_id))


def chat_reachable(exc: Exception) -> bool:
    """Whether a plain message can still reach the chat after Telegram refused a reply for good: not when the
    bot is blocked or removed, or the chat is gone; yes when it refused what was sent (too big, too long)."""
    message = getattr(exc, "message", str(exc)).lower()
    return isinstance(exc, BadRequest) and not any(word in message for word in CHAT_GONE_WORDS)
