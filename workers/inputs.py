"""A job's text: typed, quoted from a replied-to message, or read from a plain-text document; bounded."""

from __future__ import annotations

from shared.jobs import Job
from workers.skill import BadInput, SkillContext


def job_text(job: Job, ctx: SkillContext, limit: int, advice: str) -> str:
    """The text to work on: the job's own, or its document's, at most `limit` characters."""
    text = job.text
    if not text.strip() and job.file_id:
        text = _decode(ctx.download(job.file_id))
    return check_length(text, limit, advice)


def check_length(text: str, limit: int, advice: str) -> str:
    """The stripped text, or BadInput saying how long it is, the limit, and what to do."""
    text = text.strip()
    if len(text) > limit:
        raise BadInput(f"That text is {len(text):,} characters long; I can take at most {limit:,} at once. {advice}")
    return text


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("I can only read plain-text files in UTF-8 (.txt, .md). "
                       "Save the document as plain text, or paste the text into a message.") from None
