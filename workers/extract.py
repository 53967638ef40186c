"""The text of a document (PDF, DOCX, HTML, Markdown, plain text), in a process of its own.

`python -m workers.extract --max-pages N --max-chars N [--name F] [--mime M] [--memory-mb N]` reads the file on
stdin and prints one JSON object: {"kind", "unit", "parts": [[number, text], ...], "total", "cut"}, or
{"refused": reason}. workers/documents.py runs it with a deadline, and it caps its own memory first, so a
hostile or enormous file costs at most that and never the worker. Parts are pages (PDF, DOCX with page breaks)
or paragraphs; a part's paragraphs are separated by line breaks.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import resource
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from shared.documents import document_kind

# Why a document cannot be read; workers/documents.py words each for the user.
REFUSALS = ("encrypted", "no_text", "damaged", "unknown_kind", "empty", "too_heavy")
# A page with fewer letters and digits than this on average has no text layer (a scan, or only pictures).
MIN_CHARS_PER_PAGE = 10
# Plain text and Markdown are decoded from at most this many bytes per character the limit lets through.
MAX_BYTES_PER_CHAR = 4
BLOCK_TAGS = ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd",
              "dt", "section", "article", "main", "header", "table", "ul", "ol", "figcaption", "caption")
HIDDEN_TAGS = ("script", "style", "noscript", "template", "svg", "head", "nav", "footer", "aside", "form", "iframe")
SENTENCE_END = re.compile(r"[.!?:;\"”»)。！？]$")


class Unreadable(Exception):
    """The file is not a document this process can read; args[0] is one of REFUSALS."""


@dataclass(frozen=True)
class Limits:
    max_pages: int
    max_chars: int


@dataclass
class Extracted:
    """The parts read, in order, and how many the document has (pages, or paragraphs when it has none)."""

    kind: str
    unit: str  # "page" or "paragraph"
    parts: list[tuple[int, str]]
    total: int
    cut: bool = False


def extract(data: bytes, name: str, mime: str, limits: Limits) -> Extracted:
    """The document's text parts, up to the limits; Unreadable when there is none to be had."""
    kind = sniff(data, document_kind(name, mime))
    reader = {"pdf": read_pdf, "docx": read_docx}.get(kind)
    if reader is not None:
        extracted = reader(data, limits)
    else:  # markup can be most of a web page, so HTML is decoded whole (the worker bounds its size)
        most = len(data) if kind == "html" else limits.max_chars * MAX_BYTES_PER_CHAR
        extracted = read_text_format(kind, decode(data[:most]), limits)
        extracted.cut = extracted.cut or len(data) > most
    letters = sum(char.isalnum() for _, text in extracted.parts for char in text)
    if kind == "pdf" and extracted.parts and letters < MIN_CHARS_PER_PAGE * max(len(extracted.parts), 1):
        raise Unreadable("no_text")
    if not letters:
        raise Unreadable("empty")
    return extracted


def sniff(data: bytes, declared: str | None) -> str:
    """The document's kind from its first bytes, its name and type breaking ties between text formats."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if declared == "docx" or _zip_holds(data, "word/document.xml"):
            return "docx"
        raise Unreadable("unknown_kind")
    if declared in ("pdf", "docx"):  # named so, but not what it holds: cut short or mangled
        raise Unreadable("damaged")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("unknown_kind")
    if declared in ("html", "markdown"):
        return declared
    head = data[:512].lstrip().lower()
    return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"


def _zip_holds(data: bytes, member: str) -> bool:
    try:
        return member in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with one; Unreadable for anything else."""
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(data) - 4:  # the byte limit cut a character in two
                return data[:exc.start].decode(encoding)
    raise Unreadable("unknown_kind")


def read_pdf(data: bytes, limits: Limits) -> Extracted:
    """Page by page, each page's lines joined back into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # an empty user password only restricts copying
            raise Unreadable("encrypted")
        total = len(reader.pages)
        pages = (reflow(reader.pages[index].extract_text() or "") for index in range(min(total, limits.max_pages)))
        return _within(Extracted("pdf", "page", [], total), enumerate(pages, 1), limits)
    except (Unreadable, MemoryError):
        raise
    except LimitReachedError as exc:  # a stream that inflates past pypdf's own bounds
        raise Unreadable("too_heavy") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise Unreadable("damaged") from exc


def reflow(page: str) -> str:
    """A PDF page's text lines as paragraphs: a line ends one when blank, or short and closing a sentence."""
    lines = [line.strip() for line in page.splitlines()]
    width = max((len(line) for line in lines), default=0)
    paragraphs, current = [], ""
    for line in lines:
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated across lines
        elif line:
            current = f"{current} {line}".strip()
        if current and (not line or (SENTENCE_END.search(line) and len(line) < 0.85 * width)):
            paragraphs.append(current)
            current = ""
    return "\n".join([*paragraphs, current] if current else paragraphs)


def read_docx(data: bytes, limits: Limits) -> Extracted:
    """Paragraphs and table cells in reading order, in pages where Word marked where they break."""
    import docx
    from docx.text.paragraph import Paragraph

    try:
        body = docx.Document(io.BytesIO(data))
        blocks = [(block.text, _breaks(block)) for item in body.iter_inner_content()
                  for block in ([item] if isinstance(item, Paragraph) else _cells(item))]
    except MemoryError:
        raise
    except Exception as exc:  # python-docx and zipfile raise many kinds on broken files
        raise Unreadable("damaged") from exc
    if not any(breaks for _, breaks in blocks):
        paragraphs = [(n, text.strip()) for n, text in enumerate((t for t, _ in blocks if t.strip()), 1)]
        return _within(Extracted("docx", "paragraph", [], len(paragraphs)), paragraphs, limits)
    pages: list[list[str]] = [[]]
    for text, breaks in blocks:
        pages[-1].append(text.strip())
        pages.extend([] for _ in range(breaks))
    texts = ["\n".join(filter(None, page)) for page in pages]
    return _within(Extracted("docx", "page", [], len(texts)), enumerate(texts[:limits.max_pages], 1), limits)


def _cells(table: Any) -> list[Any]:
    """A table's paragraphs, row by row; a merged cell (listed once per row or column it spans) once."""
    cells = {cell._tc: cell for row in table.rows for cell in row.cells}  # dicts keep the first-seen order
    return [paragraph for cell in cells.values() for paragraph in cell.paragraphs]


def _breaks(paragraph: Any) -> int:
    """Page breaks in a paragraph: hard ones, and those Word noted where it last laid the page out."""
    element = paragraph._p
    return len(element.xpath('.//w:br[@w:type="page"]')) + len(element.xpath(".//w:lastRenderedPageBreak"))


def read_text_format(kind: str, text: str, limits: Limits) -> Extracted:
    """HTML, Markdown or plain text, as numbered paragraphs."""
    if kind == "html":
        paragraphs = html_paragraphs(text)
    elif kind == "markdown":
        paragraphs = markdown_paragraphs(text)
    else:
        paragraphs = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    return _within(Extracted(kind, "paragraph", [], len(paragraphs)), enumerate(paragraphs, 1), limits)


def html_paragraphs(page: str) -> list[str]:
    """The visible text of a page, one paragraph per block element; scripts, styles and navigation left out."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    for tag in soup(HIDDEN_TAGS):
        tag.decompose()
    for tag in soup(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in soup("br"):
        tag.replace_with("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return [line for line in lines if line]


MARKDOWN_BLOCK = re.compile(r"^\s{0,3}(?:(#{1,6})\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
MARKDOWN_SKIPPED = re.compile(r"```.*|(?:[-*_]\s*){3,}")  # code fences and horizontal rules
MARKDOWN_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"(?<![\w*~`])(\*\*|__|\*|_|`|~~)(\S(?:.*?\S)?)\1(?![\w*~`])"), r"\2"),  # emphasis, code
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
)


def markdown_paragraphs(text: str) -> list[str]:
    """Markdown as plain paragraphs: each heading, list item and quote one, wrapped lines joined."""
    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or MARKDOWN_SKIPPED.fullmatch(line):
            close()
            continue
        block = MARKDOWN_BLOCK.match(raw)
        if block:
            close()
            line = raw[block.end():].strip()
        for pattern, replacement in MARKDOWN_INLINE:
            line = pattern.sub(replacement, line)
        current.append(line)
        if block and block.group(1):  # a heading never runs on into the next line
            close()
    close()
    return paragraphs


def _within(extracted: Extracted, parts: Iterable[tuple[int, str]], limits: Limits) -> Extracted:
    """Take parts until the page or character limit; note whether the document goes on past them."""
    used = 0
    for number, text in parts:
        room = limits.max_chars - used
        if (extracted.unit == "page" and number > limits.max_pages) or room <= 0:
            extracted.cut = True
            break
        extracted.parts.append((number, text[:room]))
        used += len(text[:room]) + 2
        if len(text) > room:
            extracted.cut = True
            break
    else:
        extracted.cut = extracted.cut or extracted.total > len(extracted.parts)
    return extracted


def main() -> None:
    """Cap this process's memory, read the file on stdin, print the text (or the refusal) as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-pages", type=int, required=True)
    parser.add_argument("--max-chars", type=int, required=True)
    parser.add_argument("--name", default="")
    parser.add_argument("--mime", default="")
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken file can warn once per object
    if args.memory_mb:
        cap = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        result = asdict(extract(sys.stdin.buffer.read(), args.name, args.mime, Limits(args.max_pages, args.max_chars)))
    except Unreadable as exc:
        result = {"refused": exc.args[0]}
    except MemoryError:
        result = {"refused": "too_heavy"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
