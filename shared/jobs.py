"""The job schema: what the bot puts on a queue and a worker takes off it.

Anyone who can write to Redis can put a payload on a queue, so a worker trusts nothing it did not validate: strict
JSON types (no "7" for 7), bounded lengths, known skills and known options only.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    with_config,
)
from typing_extensions import TypedDict

from shared.skills import SKILL_QUEUES

# A 3-hour transcript (local mode's longest recording) going on to /translate is about 200,000 characters.
MAX_TEXT_CHARS = 500_000
# Telegram's ids fit in 52 bits; file_ids are under 100 characters.
TELEGRAM_ID = Annotated[int, Field(gt=-(2**52), lt=2**52)]
MESSAGE_ID = Annotated[int, Field(ge=0, lt=2**52)]
SHORT = Annotated[str, StringConstraints(max_length=32)]


def known_skill(name: str) -> str:
    if name not in SKILL_QUEUES:
        raise ValueError("not a skill this version knows")
    return name


SKILL = Annotated[str, AfterValidator(known_skill)]
SIZE = Annotated[int, Field(ge=0)]
SECONDS = Annotated[float, Field(ge=0)]


@with_config(ConfigDict(extra="forbid", strict=True))
class Passages(TypedDict):
    """The passages of a document a question is answered from (workers/passages.py makes them)."""

    name: Annotated[str, StringConstraints(max_length=1024)]
    unit: Literal["page", "paragraph"]
    notice: Annotated[str, StringConstraints(max_length=4096)]
    # [first, last, text] each; a handful of passages of a few hundred characters
    passages: Annotated[list[Annotated[list[int | Annotated[str, StringConstraints(max_length=20_000)]],
                                       Field(min_length=3, max_length=3)]], Field(max_length=64)]


@with_config(ConfigDict(extra="forbid", strict=True))
class Options(TypedDict, total=False):
    """Everything a skill may be asked besides the text: each key one handler sets and one skill reads. A new
    option goes here too, or the bot's Job() refuses it (tests/shared/test_contract.py lists them all)."""

    length: SHORT  # chat and summarize; skills fall back to their default on an unknown one
    speech_language: SHORT  # transcribe: a Whisper code, or "auto"
    voice_mode: bool  # transcribe: answer a voice note aloud
    reply: Literal["file"]  # transcribe: the transcript as a file
    srt: bool
    vtt: bool
    timestamps: bool
    then: SKILL  # transcribe: the skill the transcript goes on to, e.g. translate
    then_options: Options
    speak: bool  # chat: speak the answer
    target: SHORT  # translate: NLLB codes
    source: SHORT
    question: Annotated[str, StringConstraints(max_length=4096)]  # describe: /ask's question
    ask: bool  # find: answer the text as a question about the document, through chat
    document: Passages  # chat: answer from these passages
    file_name: Annotated[str, StringConstraints(max_length=1024)]  # a document's name and type, as Telegram gave them
    mime_type: Annotated[str, StringConstraints(max_length=255)]
    file_size: SIZE | None  # a recording's size and duration as Telegram reported them
    duration: SECONDS | None


OPTIONS = TypeAdapter(Options)


class BadJob(ValueError):
    """A payload on a queue that is not a valid job."""


class Job(BaseModel):
    """One user request for one skill; travels as a JSON object."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    skill: SKILL
    chat_id: TELEGRAM_ID
    user_id: Annotated[int, Field(ge=0, lt=2**52)]
    message_id: MESSAGE_ID
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] = ""
    file_id: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = None
    language: Annotated[str, StringConstraints(max_length=35)] = "en"  # an IETF tag, as Telegram gives it
    options: Annotated[dict[str, Any], BeforeValidator(lambda value: OPTIONS.validate_python(value))] = Field(
        default_factory=dict)
    # The bot's "queued" message for this job, which the worker edits and then deletes (see shared/waiting.py).
    status_message_id: MESSAGE_ID | None = None
    job_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_-]{1,64}$")] = Field(
        default_factory=lambda: uuid.uuid4().hex)
    created_at: Annotated[float, Field(ge=0)] = Field(default_factory=time.time)

    @field_validator("file_id", mode="before")
    @classmethod
    def _no_empty_file_id(cls, value: Any) -> Any:
        return value or None  # handlers without a file pass ""

    def encode(self) -> dict[str, Any]:
        """The job as a JSON-ready dict."""
        return self.model_dump(mode="json")

    @classmethod
    def decode(cls, data: Any) -> Job:
        """Rebuild a job from its dict; raises BadJob on anything else, naming the fields but not their values."""
        if not isinstance(data, dict):
            raise BadJob(f"a job must be a JSON object, got {type(data).__name__}")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise BadJob(describe(exc)) from None

    def followup(self, skill: str, text: str, **options: Any) -> Job:
        """A new job answering the same message with another skill, e.g. a transcript going on to chat."""
        return Job(skill=skill, chat_id=self.chat_id, user_id=self.user_id, message_id=self.message_id, text=text,
                   language=self.language, options=options)

    @property
    def reply_key(self) -> str:
        """Identifies the one reply this job owes: (chat, message, skill)."""
        return f"{self.chat_id}:{self.message_id}:{self.skill}"


def describe(exc: ValidationError) -> str:
    """What is wrong with a payload, field by field, without its values (they may hold a user's words)."""
    problems = [f"{'.'.join(str(part)[:40] for part in error['loc']) or 'job'}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)]
    return "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")

