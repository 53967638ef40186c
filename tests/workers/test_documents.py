"""Documents: text out of PDF, DOCX, HTML, Markdown and plain text (in a child process, bounded), clear refusals,
passages with their pages, and translations written back in the document's format."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from shared.jobs import Job
from shared.settings import Settings
from tests import documents
from workers import documents as reader
from workers import texts, texts_de
from workers.documents import Document, cut_notice, numbers, read_document, translated_file
from workers.extract import Limits, Unreadable, extract
from workers.passages import PASSAGE_CHARS, passages
from workers.skill import BadInput, SkillContext

LIMITS = Limits(max_pages=100, max_chars=200_000)
RIVER = ["The river flows to the sea. It is long and", "wide, and full of fish-", "es of every kind.", "",
         "A second paragraph starts here."]


def ctx(data: bytes, **settings: Any) -> SkillContext:
    return SkillContext(redis=None, settings=Settings(_env_file=None, **settings),  # type: ignore[arg-type]
                        download=lambda file_id: data)


def job(name: str, language: str = "en") -> Job:
    return Job(skill="summarize", chat_id=1, user_id=1, message_id=1, file_id="f", language=language,
               options={"file_name": name, "mime_type": ""})


def test_a_pdf_is_read_page_by_page_with_its_lines_joined_into_paragraphs() -> None:
    read = extract(documents.pdf([RIVER, ["Page two speaks of mountains."]]), "r.pdf", "", LIMITS)
    assert (read.kind, read.unit, read.total, read.cut) == ("pdf", "page", 2, False)
    assert read.parts == [(1, "The river flows to the sea. It is long and wide, and full of fishes of every kind.\n"
                              "A second paragraph starts here."), (2, "Page two speaks of mountains.")]


def test_a_pdf_protected_only_against_copying_opens_and_one_with_a_password_is_refused() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(documents.pdf([["Open to all readers."]])))
    writer.encrypt("", "owner-secret", algorithm="AES-256")
    copy_protected = io.BytesIO()
    writer.write(copy_protected)
    assert PdfReader(copy_protected).is_encrypted
    assert extract(copy_protected.getvalue(), "a.pdf", "", LIMITS).parts == [(1, "Open to all readers.")]
    with pytest.raises(BadInput, match="protected with a password"):
        read_document(job("locked.pdf"), ctx(documents.pdf([["secret"]], password="pw")), 10_000)


@pytest.mark.parametrize(("name", "data", "sentence"), [
    ("scan.pdf", documents.scanned_pdf(), "no text I can read: its pages are pictures"),
    ("cut.docx", documents.docx(["Hello there."] * 50)[:2000], "damaged or cut short"),
    ("cut.pdf", documents.pdf([RIVER])[:400], "damaged or cut short"),
    ("sheet.xlsx", documents.docx(["x"]).replace(b"word/", b"xl/x/"), "I can read PDF, Word"),
    ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 64, "I can read PDF, Word"),
    ("blank.txt", b"  \n\n \t\n", "no text in it"),
])
def test_unreadable_files_are_refused_with_what_went_wrong_and_what_to_do(name: str, data: bytes,
                                                                           sentence: str) -> None:
    with pytest.raises(BadInput, match=sentence):
        read_document(job(name), ctx(data), 10_000)


def test_refusals_come_in_the_users_language() -> None:
    with pytest.raises(BadInput) as refused:
        read_document(job("scan.pdf", language="de-AT"), ctx(documents.scanned_pdf()), 10_000)
    assert str(refused.value) == texts_de.DOCUMENT_REFUSED["no_text"]


def test_a_docx_keeps_reading_order_tables_and_its_page_breaks() -> None:
    data = documents.docx(["Intro.", "End of page one."], page_break_after=2, table=[["a", "b"], ["c", "d"]])
    read = extract(data, "r.docx", "", LIMITS)
    assert (read.unit, read.parts) == ("page", [(1, "Intro.\nEnd of page one."), (2, "a\nb\nc\nd")])
    plain = extract(documents.docx(["One.", "Two."]), "", "application/octet-stream", LIMITS)
    assert (plain.kind, plain.unit, plain.parts) == ("docx", "paragraph", [(1, "One."), (2, "Two.")])


def test_html_gives_the_visible_text_without_scripts_styles_or_navigation() -> None:
    read = extract(documents.html("Rivers", ["Water flows down the hill.", "Fish swim in the river."]), "", "",
                   LIMITS)
    assert read.parts == [(1, "Rivers"), (2, "Water flows down the hill."), (3, "Fish swim in the river.")]


def test_markdown_gives_plain_paragraphs() -> None:
    text = (b"# Title\nSome *emphasis* and a [link](http://x.org)\nwrapped on two lines.\n\n- first item\n"
            b"- second snake_case item\n\n---\n> a quote\n")
    assert [p for _, p in extract(text, "notes.md", "", LIMITS).parts] == [
        "Title", "Some emphasis and a link wrapped on two lines.", "first item", "second snake_case item", "a quote"]


def test_reading_stops_at_the_page_and_character_limits_and_says_so() -> None:
    pages = [[f"Page {n} tells of rivers, seas and mountains."] for n in range(1, 6)]
    document = read_document(job("long.pdf"), ctx(documents.pdf(pages), pipegram_document_max_pages=2), 10_000)
    assert [n for n, _ in document.parts] == [1, 2] and document.cut and document.total == 5
    assert cut_notice(document, "en") == texts.DOCUMENT_CUT["page"].format(read=2, total=5)
    short = read_document(job("long.txt"), ctx(b"word " * 10_000), 1_000)
    assert len(short.text) == 1_000 and short.cut
    assert "first 1,000 characters" in cut_notice(short, "en")
    whole = read_document(job("short.txt"), ctx("Grüße aus Köln".encode()), 1_000)
    assert whole.text == "Grüße aus Köln" and not whole.cut and cut_notice(whole, "en") == ""


def test_a_file_that_needs_too_much_memory_or_time_is_refused_and_the_worker_goes_on(monkeypatch) -> None:
    monkeypatch.setattr(reader, "EXTRACT_MEMORY_MB", 40)  # less than Python needs to open a PDF
    with pytest.raises(BadInput, match="more memory to read than I allow"):
        read_document(job("r.pdf"), ctx(documents.pdf([RIVER])), 10_000)
    monkeypatch.setattr(reader, "EXTRACT_MEMORY_MB", 1024)
    monkeypatch.setattr(reader, "EXTRACT_TIME_S", 2)
    with pytest.raises(BadInput, match="took over 2 seconds"):  # 4 MB of drawing: about 20 s of pypdf's time
        read_document(job("bomb.pdf"), ctx(documents.pdf_bomb(4)), 10_000)
    assert read_document(job("r.pdf"), ctx(documents.pdf([RIVER])), 10_000).parts[0][0] == 1


def test_a_file_past_the_size_limit_is_refused_before_reading(monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_DOCUMENT_BYTES", 1000)
    with pytest.raises(BadInput, match="over 0 MB"):
        read_document(job("big.txt"), ctx(b"a" * 1001), 10_000)


def test_the_reader_gets_none_of_the_workers_secrets(monkeypatch) -> None:
    seen: dict[str, Any] = {}

    def run(command: list[str], **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise reader.subprocess.TimeoutExpired(command, 1)

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setenv("REDIS_URL", "redis://:pw@host/0")
    monkeypatch.setattr(reader.subprocess, "run", run)
    with pytest.raises(BadInput):
        read_document(job("a.txt"), ctx(b"hello"), 100)
    assert "TELEGRAM_BOT_TOKEN" not in seen["env"] and "REDIS_URL" not in seen["env"] and "PATH" in seen["env"]


def test_passages_stay_within_a_page_but_pack_short_paragraphs() -> None:
    paged = Document("r.pdf", "pdf", "page", ((1, "Short page."), (2, "Another. " * 200)), 2)
    cut = passages(paged)
    assert (cut[0].first, cut[0].last, cut[0].text) == (1, 1, "Short page.")
    assert all(p.first == p.last == 2 and len(p.text) <= PASSAGE_CHARS for p in cut[1:]) and len(cut) > 2
    flowing = Document("r.txt", "text", "paragraph", ((1, "One."), (2, "Two."), (3, "Three. " * 150)), 3)
    packed = passages(flowing)
    assert [(p.first, p.last) for p in packed] == [(1, 3), (3, 3)] and packed[0].text.startswith("One.\nTwo.\nThree.")
    assert all(len(p.text) <= PASSAGE_CHARS for p in packed)


def test_page_numbers_are_written_as_ranges() -> None:
    assert numbers([9, 2, 5, 6, 7, 5]) == "2, 5–7, 9"


def test_a_translation_comes_back_in_the_documents_format_paragraph_by_paragraph() -> None:
    import docx

    source = Document("Bericht.final.docx", "docx", "paragraph", ((1, "Eins."), (2, "Zwei."), (3, "Drei.")), 3)
    file = translated_file(source, "One.\n\nTwo.\n\nThree.", "en")
    assert (file.kind, file.filename) == ("document", "Bericht.final.en.docx")
    assert [p.text for p in docx.Document(io.BytesIO(file.data)).paragraphs] == ["One.", "Two.", "Three."]
    page = translated_file(Document("a.html", "html", "paragraph", (), 0), "<One>\nTwo", "fr")
    assert page.filename == "a.fr.html" and b"<p>&lt;One&gt;</p>\n<p>Two</p>" in page.data
    assert translated_file(Document("a.md", "markdown", "paragraph", (), 0), "x", "de").filename == "a.de.md"
    pdf = translated_file(Document("scan.pdf", "pdf", "page", (), 0), "One.\nTwo.", "de")
    assert (pdf.filename, pdf.data) == ("scan.de.txt", b"One.\nTwo.\n")


def test_unreadable_reasons_all_have_words_in_every_catalog() -> None:
    from shared.i18n import catalogs
    from workers.extract import REFUSALS

    for catalog in catalogs("workers.texts").values():
        assert set(REFUSALS) | {"too_slow", "too_big"} == set(catalog.DOCUMENT_REFUSED)
    with pytest.raises(Unreadable, match="unknown_kind"):
        extract(b"\x00\x01\x02binary", "", "", LIMITS)
