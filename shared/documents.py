"""Which files the text commands read as documents: the bot names them, the worker reads them by their content."""

from __future__ import annotations

from pathlib import PurePath

# The largest document the bot queues: the cloud Bot API's download limit. Extraction is bounded by pages and
# characters (PIPEGRAM_DOCUMENT_MAX_PAGES, PIPEGRAM_DOCUMENT_MAX_CHARS), so a bigger file would only cost time.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

KINDS_BY_EXTENSION = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
}
KINDS_BY_MIME = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/html": "html", "application/xhtml+xml": "html",
    "text/markdown": "markdown", "text/x-markdown": "markdown",
    "text/plain": "text",
}


def document_kind(file_name: str | None, mime_type: str | None) -> str | None:
    """pdf, docx, html, markdown or text as the file's name or type says; None for anything else."""
    by_name = KINDS_BY_EXTENSION.get(PurePath(file_name or "").suffix.lower())
    mime = (mime_type or "").split(";")[0].strip().lower()
    return by_name or KINDS_BY_MIME.get(mime) or ("text" if mime.startswith("text/") else None)
