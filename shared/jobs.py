"""The job schema: what the bot puts on a queue and a worker takes off it."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any


class BadJob(ValueError):
    """A payload on a queue that is not a valid job."""


@dataclass(frozen=True)
class Job:
    """One user request for one skill; travels as a JSON object."""

    skill: str
    chat_id: int
    user_id: int
    message_id: int
    text: str = ""
    file_id: str | None = None
    language: str = "en"
    options: dict[str, Any] = field(default_factory=dict)
    # The bot's "queued" message for this job, which the worker edits and then deletes (see shared/waiting.py).
    status_message_id: int | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: float = field(default_factory=time.time)

    def encode(self) -> dict[str, Any]:
        """The job as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def decode(cls, data: Any) -> Job:
        """Rebuild a job from its dict; raises BadJob on anything else."""
        if not isinstance(data, dict):
            raise BadJob(f"a job must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        try:
            job = cls(**{k: v for k, v in data.items() if k in known})
        except TypeError as exc:
            raise BadJob(f"missing job fields: {exc}") from None
        for name, kind in (("skill", str), ("chat_id", int), ("user_id", int), ("message_id", int),
                           ("text", str), ("options", dict)):
            if not isinstance(getattr(job, name), kind):
                raise BadJob(f"job field {name!r} must be {kind.__name__}")
        if job.status_message_id is not None and not isinstance(job.status_message_id, int):
            raise BadJob("job field 'status_message_id' must be int or null")
        return job

    def followup(self, skill: str, text: str, **options: Any) -> Job:
        """A new job answering the same message with another skill, e.g. a transcript going on to chat."""
        return Job(skill=skill, chat_id=self.chat_id, user_id=self.user_id, message_id=self.message_id, text=text,
                   language=self.language, options=options)

    @property
    def reply_key(self) -> str:
        """Identifies the one reply this job owes: (chat, message, skill)."""
        return f"{self.chat_id}:{self.message_id}:{self.skill}"
