"""A job's text: typed, quoted from a replied-to message, or read from a document (workers/documents.py); bounded."""

from __future__ import annotations

from dataclasses import dataclass

from shared.jobs import Job
from workers.documents import Document, cut_notice, read_document
from workers.skill import BadInput, SkillContext


@dataclass(frozen=True)
class JobText:
    """The text to work on, and the document it was read from, if any."""

    text: str
    document: Document | None = None

    def notice(self, language: str) -> str:
        """A line saying how much of a long document was read; empty for typed text and whole documents."""
        return cut_notice(self.document, language) if self.document else ""


def job_text(job: Job, ctx: SkillContext, limit: int, advice: str) -> JobText:
    """The job's own text (at most `limit` characters), or its document's first `limit` characters."""
    if job.file_id and not job.text.strip():
        document = read_document(job, ctx, limit)
        return JobText(document.text, document)
    return JobText(check_length(job.text, limit, advice))


def check_length(text: str, limit: int, advice: str) -> str:
    """The stripped text, or BadInput saying how long it is, the limit, and what to do."""
    text = text.strip()
    if len(text) > limit:
        raise BadInput(f"That text is {len(text):,} characters long; I can take at most {limit:,} at once. {advice}")
    return text
