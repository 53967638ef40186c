"""A document in passages, for /find in it and /ask about it: cut to a size an embedding model reads whole, each
knowing the pages (or paragraphs) it came from; and the prompt and sources line of an answer from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workers import texts
from workers.chunks import split_to_fit
from workers.documents import Document, numbers

# About 200 tokens: all-MiniLM-L6-v2 reads 256 and truncates the rest unseen.
PASSAGE_CHARS = 800
QUESTION_INSTRUCTION = ("Answer the question from these passages of the document \"{name}\" only. If they do not "
                        "hold the answer, say so. Each passage starts with where it is in the document.")


@dataclass(frozen=True)
class Passage:
    """A piece of a document and the first and last page (or paragraph) it spans."""

    first: int
    last: int
    text: str


def passages(document: Document, size: int = PASSAGE_CHARS) -> list[Passage]:
    """The document cut at sentences into passages of at most `size` characters; a passage never spans pages,
    but packs short paragraphs together."""
    def count(text: str) -> int:
        return len(text) + 1  # and the space that joins it to the next

    pieces = [(number, piece) for number, text in document.parts for piece in split_to_fit(text, size, count)]
    packed: list[Passage] = []
    for number, piece in pieces:
        last = packed[-1] if packed else None
        if last and document.unit == "paragraph" and len(last.text) + len(piece) + 1 <= size:
            packed[-1] = Passage(last.first, number, f"{last.text}\n{piece}")
        else:
            packed.append(Passage(number, number, piece))
    return packed


def question_options(document: Document, chosen: list[Passage], notice: str) -> dict[str, Any]:
    """What the chat job answering from `chosen` passages needs (JSON): where each is, and the document's name."""
    ordered = sorted(chosen, key=lambda passage: passage.first)
    return {"name": document.name, "unit": document.unit, "notice": notice,
            "passages": [[passage.first, passage.last, passage.text] for passage in ordered]}


def question_prompt(question: str, found: dict[str, Any]) -> str:
    """The user's turn for the chat model: the question first (so a cut to fit its window drops passages, never
    the question), then the passages, each under where it is."""
    unit = found["unit"]
    blocks = [f"[{unit} {first if first == last else f'{first}–{last}'}]\n{text}"
              for first, last, text in found["passages"]]
    instruction = QUESTION_INSTRUCTION.format(name=found.get("name") or "document")
    return f"{question}\n\n{instruction}\n\n" + "\n\n".join(blocks)


def sources_line(found: dict[str, Any], language: str) -> str:
    """The line under the answer naming the pages (or paragraphs) its passages came from, and any cut notice."""
    spans = [number for first, last, _ in found["passages"] for number in range(int(first), int(last) + 1)]
    used = texts.for_language(language).DOCUMENT_USED[found["unit"]].format(numbers=numbers(spans))
    return "\n".join(filter(None, (used, found.get("notice"))))
