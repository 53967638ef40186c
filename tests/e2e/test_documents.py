"""Documents through the emulator, the real bot, Redis and a worker with tiny models: PDF, DOCX and HTML summarised
and translated (as a reply and as the file's caption), /ask about a PDF naming its pages, /find in a document,
commands in the captions of .txt files, and clear answers for locked, scanned and broken files."""

from __future__ import annotations

import io
import re

import pytest

from bot import texts
from tests import documents
from tests.e2e.conftest import Stack
from workers import texts as worker_texts

pytestmark = pytest.mark.e2e

MIME = {"pdf": "application/pdf", "html": "text/html", "txt": "text/plain",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
PAGES = [["Our office opens at nine in the morning and closes at five."],
         ["The mountains in the north are covered in snow all winter.", "Climbers go there in summer."],
         ["Invoices must be paid within thirty days of delivery."]]
PARAGRAPHS = ["The river flows to the sea.", "Fish swim in the river all year.", "Boats carry wood to the town."]
FILES = {"pdf": documents.pdf(PAGES), "docx": documents.docx(PARAGRAPHS), "html": documents.html("River", PARAGRAPHS)}


def send(stack: Stack, user: int, data: bytes, name: str, caption: str | None = None) -> dict:
    extension = name.rsplit(".", 1)[1]
    return stack.client.send_file("document", data, filename=name, mime_type=MIME[extension], user_id=user,
                                  caption=caption)


def replies(stack: Stack, user: int, asked: dict, count: int = 1) -> list[dict]:
    got = stack.client.wait_for_replies(user, count, after=asked["message_id"], timeout=90)
    assert stack.client.sent(user, after=got[-1]["message"]["message_id"], wait=1.0) == []  # and nothing more
    return got


def command_on(stack: Stack, user: int, document: dict, command: str, count: int = 1) -> list[dict]:
    asked = stack.client.send_text(command, user_id=user, reply_to_message_id=document["message_id"])
    return replies(stack, user, asked, count)


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
def test_a_document_is_summarised_and_translated_into_a_file_of_its_format(stack: Stack, kind: str) -> None:
    user = 7900 + list(FILES).index(kind)
    uploaded = send(stack, user, FILES[kind], f"report.{kind}")
    assert replies(stack, user, uploaded)[0]["message"]["text"] == texts.TEXT_FILE_HINT
    [summary] = command_on(stack, user, uploaded, "/summarize")
    assert summary["message"]["text"].startswith("📝 Summary:\n") and len(summary["message"]["text"]) > 15

    header, file = command_on(stack, user, uploaded, "/translate german", count=2)
    assert header["message"]["text"].startswith("🌐 From English to German:\n")
    returned = {"pdf": "report.de.txt", "docx": "report.de.docx", "html": "report.de.html"}[kind]
    assert file["method"] == "sendDocument" and file["message"]["document"]["file_name"] == returned
    data = stack.client.download(file["message"]["document"]["file_id"])
    if kind == "docx":
        import docx

        assert len([p for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]) == len(PARAGRAPHS)
    else:
        assert data.decode().strip()


def test_a_command_in_a_documents_caption_acts_on_it(stack: Stack) -> None:
    user = 7910
    asked = send(stack, user, FILES["docx"], "notes.docx", caption="/translate german")
    header, file = replies(stack, user, asked, 2)
    assert header["message"]["text"].startswith("🌐 From English to German:\n")
    assert file["message"]["document"]["file_name"] == "notes.de.docx"
    asked = send(stack, user, FILES["pdf"], "notes.pdf", caption="/summarize short")
    assert replies(stack, user, asked)[0]["message"]["text"].startswith("📝 Summary:\n")


def test_ask_about_a_pdf_answers_and_names_the_pages_it_used(stack: Stack) -> None:
    user = 7911
    uploaded = send(stack, user, FILES["pdf"], "terms.pdf")
    replies(stack, user, uploaded)  # the hint
    [answer] = command_on(stack, user, uploaded, "/ask When must invoices be paid?")
    text = answer["message"]["text"]
    body, _, sources = text.rpartition("\n\n")
    assert body.strip() and sources == worker_texts.DOCUMENT_USED["page"].format(numbers="1–3")
    [usage] = command_on(stack, user, uploaded, "/ask")
    assert usage["message"]["text"] == texts.ASK_DOCUMENT_USAGE


def test_find_in_a_document_lists_its_closest_passages_with_their_pages(stack: Stack) -> None:
    user = 7912
    uploaded = send(stack, user, FILES["pdf"], "guide.pdf")
    replies(stack, user, uploaded)
    [found] = command_on(stack, user, uploaded, "/find snow")
    lines = found["message"]["text"].splitlines()
    assert lines[0] == worker_texts.DOCUMENT_FOUND.format(name="guide.pdf", query="snow")
    pages = sorted(int(re.match(r"\d\. \(page (\d) · ", line)[1]) for line in lines[2:])  # type: ignore[index]
    assert pages == [1, 2, 3]  # tiny random embeddings: every page, in no particular order


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("locked.pdf", documents.pdf(PAGES, password="secret"), "encrypted"),
    ("scan.pdf", documents.scanned_pdf(), "no_text"),
    ("cut.docx", FILES["docx"][: len(FILES["docx"]) // 2], "damaged"),
])
def test_locked_scanned_and_broken_documents_get_a_clear_answer(stack: Stack, name: str, data: bytes,
                                                                 reason: str) -> None:
    user = 7920 + ["encrypted", "no_text", "damaged"].index(reason)
    asked = send(stack, user, data, name, caption="/summarize")
    assert replies(stack, user, asked)[0]["message"]["text"] == worker_texts.DOCUMENT_REFUSED[reason]
    asked = stack.client.send_text("still there?", user_id=user)
    assert replies(stack, user, asked)[0]["message"]["text"].strip()  # the worker goes on serving


def test_commands_in_the_captions_of_text_files_act_on_the_file(stack: Stack) -> None:
    user, text = 7930, "\n\n".join(PARAGRAPHS).encode()
    summary = replies(stack, user, send(stack, user, text, "river.txt", caption="/summarize"))
    assert summary[0]["message"]["text"].startswith("📝 Summary:\n")
    header, file = replies(stack, user, send(stack, user, text, "river.txt", caption="/translate german"), 2)
    assert header["message"]["text"].startswith("🌐 From English to German:\n")
    assert file["message"]["document"]["file_name"] == "river.de.txt"
    translated = stack.client.download(file["message"]["document"]["file_id"]).decode()
    assert len([line for line in translated.splitlines() if line.strip()]) == len(PARAGRAPHS)
    [found] = replies(stack, user, send(stack, user, text, "river.txt", caption="/find boats"))
    assert "(paragraph " in found["message"]["text"]
    [answer] = replies(stack, user, send(stack, user, text, "river.txt", caption="/ask where do boats go?"))
    assert answer["message"]["text"].endswith(worker_texts.DOCUMENT_USED["paragraph"].format(numbers="1–3"))


def test_a_document_over_20_mb_is_refused_at_once_with_the_limit(stack: Stack) -> None:
    user = 7931
    asked = send(stack, user, b"word " * (4 * 1024 * 1024 + 1), "huge.txt", caption="/summarize")
    assert replies(stack, user, asked)[0]["message"]["text"] == texts.DOCUMENT_TOO_BIG.format(megabytes=20)
