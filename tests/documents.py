"""Documents made at test time: PDFs with a text layer (pypdf), an encrypted one, a scanned-only one (Pillow),
DOCX (python-docx) and HTML. Nothing binary is committed."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject


def pdf(pages: list[list[str]], password: str | None = None) -> bytes:
    """A PDF with one page per item, each line of it drawn in Helvetica; encrypted when a password is given."""
    writer = PdfWriter()
    for lines in pages:
        drawn = "".join(f"BT /F1 11 Tf 56 {740 - 16 * n} Td ({_escape(line)}) Tj ET\n" for n, line in enumerate(lines))
        content = DecodedStreamObject()
        content.set_data(drawn.encode("latin-1"))
        _page_drawing(writer, content)
    if password is not None:
        writer.encrypt(password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_drawing(writer: PdfWriter, content: StreamObject) -> None:
    """A new page that draws `content` with Helvetica as font /F1."""
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page = writer.add_blank_page(612, 792)
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of pictures only, as a scanner without OCR makes: no text layer at all."""
    images = [Image.new("RGB", (300, 400), (255, 255, 255 - 40 * n)) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def docx(paragraphs: list[str], page_break_after: int | None = None, table: list[list[str]] | None = None) -> bytes:
    """A Word document with these paragraphs (a hard page break after the given one) and an optional table."""
    import docx as python_docx
    from docx.enum.text import WD_BREAK

    document = python_docx.Document()
    for n, text in enumerate(paragraphs, 1):
        paragraph = document.add_paragraph(text)
        if n == page_break_after:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html(title: str, paragraphs: list[str]) -> bytes:
    """A web page with navigation, a script and a style around the paragraphs (which alone are its text)."""
    body = "".join(f"<p>{text.replace('the', '<b>the</b>', 1)}</p>\n" for text in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title}</title><style>p {{color: red}}</style></head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav><script>var hidden = 1;</script>"
            f"<article><h1>{title}</h1>\n{body}</article><footer>Copyright nobody</footer></body></html>").encode()


def pdf_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose few-kB content stream inflates to `megabytes` MB of drawing operators."""
    import zlib

    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(zlib.compress(b"BT /F1 9 Tf (x) Tj ET\n" * (megabytes * 1024 * 1024 // 22), 1))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    _page_drawing(writer, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
