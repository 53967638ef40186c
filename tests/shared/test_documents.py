"""Which files the bot treats as documents for the text commands, by name or type."""

import pytest

from shared.documents import document_kind


@pytest.mark.parametrize(("name", "mime", "kind"), [
    ("Report.PDF", "application/octet-stream", "pdf"),
    ("letter.docx", None, "docx"),
    ("", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("page.htm", "text/html", "html"),
    ("README.md", "text/plain", "markdown"),
    ("notes", "text/plain; charset=utf-8", "text"),
    ("data.csv", "text/csv", "text"),
    ("photo.jpg", "image/jpeg", None),
    ("song.mp3", "audio/mpeg", None),
    ("old.doc", "application/msword", None),
])
def test_a_files_kind_comes_from_its_name_first_then_its_type(name: str, mime: str | None, kind: str | None) -> None:
    assert document_kind(name, mime) == kind
