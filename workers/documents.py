"""Documents users send: read in a child process with a deadline and a memory cap (workers/extract.py), refused
with a sentence that says why, and written back in their own format (translations)."""

from __future__ import annotations

import html
import io
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import PurePath
from types import ModuleType

from shared.documents import MAX_DOCUMENT_BYTES
from shared.jobs import Job
from workers import texts
from workers.skill import Attachment, BadInput, FileTooBig, SkillContext

log = logging.getLogger(__name__)

# What reading one document may cost: pypdf and lxml have had inputs that loop or balloon.
EXTRACT_TIME_S = 60
EXTRACT_MEMORY_MB = 1024
# The reader runs without the worker's environment (tokens, Redis passwords): only what Python needs.
CHILD_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Document:
    """A document's text as numbered parts (pages, or paragraphs when it has no pages), and what was left out."""

    name: str
    kind: str  # pdf, docx, html, markdown or text
    unit: str  # "page" or "paragraph"
    parts: tuple[tuple[int, str], ...]
    total: int  # parts in the whole document
    cut: bool = False  # it goes on past the page or character limit

    @property
    def text(self) -> str:
        """The parts in order; paragraphs one per line, parts a blank line apart."""
        return "\n\n".join(text for _, text in self.parts)


def read_document(job: Job, ctx: SkillContext, max_chars: int) -> Document:
    """The job's file as a Document of at most max_chars characters (and the page limit); BadInput says why not."""
    words, settings = texts.for_language(job.language), ctx.settings
    name, mime = str(job.options.get("file_name") or ""), str(job.options.get("mime_type") or "")
    limit_mb = MAX_DOCUMENT_BYTES // (1024 * 1024)
    try:
        with ctx.open_file(job.file_id or "") as file:
            data = file.read(MAX_DOCUMENT_BYTES + 1)
    except FileTooBig:
        raise BadInput(words.DOCUMENT_REFUSED["too_big"].format(megabytes=limit_mb)) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadInput(words.DOCUMENT_REFUSED["too_big"].format(megabytes=limit_mb))
    command = [sys.executable, "-m", "workers.extract", f"--max-pages={settings.pipegram_document_max_pages}",
               f"--max-chars={min(max_chars, settings.pipegram_document_max_chars)}", f"--name={name}",
               f"--mime={mime}", f"--memory-mb={EXTRACT_MEMORY_MB}"]
    environment = {key: value for key, value in os.environ.items() if key in CHILD_ENVIRONMENT}
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=EXTRACT_TIME_S, env=environment,
                              check=False)
    except subprocess.TimeoutExpired:
        log.warning("job %s: reading a %d-byte document took over %d s", job.job_id, len(data), EXTRACT_TIME_S)
        raise BadInput(words.DOCUMENT_REFUSED["too_slow"].format(seconds=EXTRACT_TIME_S)) from None
    return _document(job, name, done, words)


def _document(job: Job, name: str, done: subprocess.CompletedProcess[bytes], words: ModuleType) -> Document:
    refusals = words.DOCUMENT_REFUSED
    try:
        result = json.loads(done.stdout)
    except ValueError:  # killed at the memory cap, or crashed: either way the file asked too much
        log.warning("job %s: the document reader exited %s: %s", job.job_id, done.returncode,
                    done.stderr.decode(errors="replace")[-300:])
        raise BadInput(refusals["too_heavy"]) from None
    if "refused" in result:
        log.info("job %s: document refused (%s)", job.job_id, result["refused"])
        raise BadInput(refusals[result["refused"]])
    parts = tuple((int(number), str(text)) for number, text in result["parts"])
    return Document(name, result["kind"], result["unit"], parts, int(result["total"]), bool(result["cut"]))


def cut_notice(document: Document, language: str) -> str:
    """A line saying how much of a long document was read; empty when all of it was."""
    if not document.cut:
        return ""
    cut = texts.for_language(language).DOCUMENT_CUT
    if document.unit == "page":
        return cut["page"].format(read=document.parts[-1][0] if document.parts else 0, total=document.total)
    return cut["paragraph"].format(chars=f"{len(document.text):,}")


def numbers(found: list[int]) -> str:
    """Page or paragraph numbers as people write them: 2, 5–7, 9."""
    ranges: list[list[int]] = []
    for number in sorted(set(found)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def translated_file(document: Document, text: str, target_tag: str) -> Attachment:
    """The translation in the document's own format where one can be written (.docx, .md, .html), else as .txt;
    one paragraph per line of the translated text, in the original order."""
    stem = PurePath(document.name).stem or "document"
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if document.kind == "docx":
        data, extension = _docx(paragraphs), "docx"
    elif document.kind == "html":
        body = "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
        data = (f'<!DOCTYPE html>\n<html lang="{html.escape(target_tag)}"><head><meta charset="utf-8">'
                f"<title>{html.escape(stem)}</title></head>\n<body>\n{body}\n</body></html>\n").encode()
        extension = "html"
    else:
        data, extension = (text.strip() + "\n").encode(), "md" if document.kind == "markdown" else "txt"
    return Attachment("document", data, f"{stem}.{target_tag}.{extension}")


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    written = docx.Document()
    for paragraph in paragraphs:
        written.add_paragraph(paragraph)
    out = io.BytesIO()
    written.save(out)
    return out.getvalue()
