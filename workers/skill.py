"""What every skill module provides, and what it hands back: the shape of a skill, in one place.

A skill module defines TASK (the transformers pipeline task), TINY_MODEL (a kind from workers.tiny),
optionally WARMUP (a sample input run once at start), CHAT_ACTION (what the chat shows while it works; "typing"
if unset), STREAMS (True: forward passes each answer's text so far to its input's `show_partial`, from
`ctx.show_partial`) and `load` (when not a plain pipeline), and three functions, like a transformers Pipeline:
    preprocess(job, ctx) -> inputs          parse the job (pure, no model); raise BadInput on bad input
    forward(pipe, batch, spec) -> outputs   run the model on a list of inputs, one output per input
    postprocess(output, job, ctx) -> Reply  render the reply (pure, no model)
A skill whose model is not a transformers pipeline (seq2seq, sentence-transformers) also defines
    load(source, device, dtype, spec) -> model   what `forward` then receives as `pipe`; TASK names it in logs
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

import redis

from shared.jobs import Job
from shared.settings import Settings
from workers.models import ModelSpec


class BadInput(Exception):
    """The user's input cannot be served; the message says what went wrong and what to do."""


class FileTooBig(Exception):
    """Telegram will not hand a bot this file: it is over the download limit."""


@dataclass(frozen=True)
class Attachment:
    """A file for the chat: kind is voice, audio, photo or document (the Bot API's send method)."""

    kind: str
    data: bytes
    filename: str
    caption: str = ""
    duration_s: int | None = None  # a voice note's or audio file's length, which Telegram shows


@dataclass(frozen=True)
class Reply:
    """What a skill sends back to the chat: text (split as needed), then any files, in order."""

    text: str = ""
    parse_mode: str | None = None
    files: tuple[Attachment, ...] = ()
    # Jobs to enqueue once this reply is out, e.g. a transcript going on to the chat skill.
    followups: tuple[Job, ...] = ()


def _no_downloads(file_id: str) -> bytes:
    raise BadInput("I can't read files here.")


@dataclass(frozen=True)
class SkillContext:
    """Resources a skill may use outside its model."""

    redis: redis.Redis
    settings: Settings
    # A user's file by its Telegram file_id (bots may download up to 20 MB).
    download: Callable[[str], bytes] = field(default=_no_downloads)
    # The same as a readable, seekable file: the Bot API server's own copy in local mode, or a temporary one,
    # up to the download limit (2,000 MB in local mode). Unset: `download` into memory.
    fetch_file: Callable[[str], IO[bytes]] | None = None
    # This job's answer so far, shown while the model writes it (a draft or an edited message); None: not shown.
    show_partial: Callable[[str], None] | None = None
    deadline: float | None = None  # time.monotonic() past which the job has run out of time

    def open_file(self, file_id: str) -> IO[bytes]:
        """A user's file to read from, without holding a big one in memory where the worker can avoid it."""
        if self.fetch_file is not None:
            return self.fetch_file(file_id)
        return io.BytesIO(self.download(file_id))


class Skill(Protocol):
    TASK: str
    TINY_MODEL: str

    def preprocess(self, job: Job, ctx: SkillContext) -> Any: ...

    def forward(self, pipe: Any, batch: list[Any], spec: ModelSpec) -> list[Any]: ...

    def postprocess(self, output: Any, job: Job, ctx: SkillContext) -> Reply: ...
