"""Find: a query → the chat's kept messages, or a document's passages, it is closest to in meaning.

The bot keeps each chat's last text messages in Redis (shared.keys.recent_messages_key). This skill embeds
them lazily: vectors made once are stored beside them (message_vectors_key) and only new messages are embedded.
Vectors of messages that fell off the list are dropped, so both stay bounded; both expire with the chat.

As a reply to a document (or its caption) it searches the document's passages instead; with options["ask"]
(/ask about a document) it hands the closest passages and the question on to the chat skill, which answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from shared.jobs import Job
from shared.keys import message_vectors_key, recent_messages_key
from workers import embeddings, texts
from workers.documents import Document, cut_notice, read_document
from workers.inputs import check_length
from workers.models import ModelSpec
from workers.passages import Passage, passages, question_options
from workers.skill import BadInput, Reply, SkillContext

TASK = "sentence-similarity"
TINY_MODEL = "sentence-embedder"
load = embeddings.load

MAX_QUERY_CHARS = 1_000
TOP = 3
ASK_PASSAGES = 4  # passages a question about a document is answered from
QUOTE_CHARS = 300
MODEL_FIELD = b"model"


@dataclass(frozen=True)
class Search:
    """A query over a chat's kept messages, with the vectors already stored for them."""

    query: str
    messages: list[tuple[int, str]]  # (message id, text), oldest first
    stored: dict[int, bytes] = field(default_factory=dict)
    stored_model: str = ""


@dataclass(frozen=True)
class Found:
    """The best hits, and what to write back: vectors of newly embedded messages, ids to forget."""

    hits: list[tuple[float, str]]
    model: str
    fresh: dict[int, bytes]
    stale: list[int]
    replace: bool  # the stored vectors came from another model


@dataclass(frozen=True)
class DocumentSearch:
    """A query over a document's passages."""

    query: str
    document: Document
    passages: list[Passage]


@dataclass(frozen=True)
class DocumentFound:
    """The passages closest to the query, best first, with their scores."""

    document: Document
    hits: list[tuple[float, Passage]]


def preprocess(job: Job, ctx: SkillContext) -> Search | DocumentSearch:
    """The query, and the document's passages or the chat's kept messages and their stored vectors."""
    query = check_length(job.text, MAX_QUERY_CHARS, "Search with a few words or a sentence.")
    if not query:
        raise BadInput("Tell me what to look for, e.g. /find when is the meeting")
    if job.file_id:
        document = read_document(job, ctx, ctx.settings.pipegram_document_max_chars)
        return DocumentSearch(query, document, passages(document))
    kept = [json.loads(item) for item in ctx.redis.lrange(recent_messages_key(job.chat_id), 0, -1)]
    if not kept:
        raise BadInput("I have no messages of this chat to search yet. I keep the last "
                       f"{ctx.settings.pipegram_recent_messages} text messages sent here (not commands): "
                       "write a few, then /find what you remember of one.")
    stored = cast(dict[bytes, bytes], ctx.redis.hgetall(message_vectors_key(job.chat_id)))
    model = stored.pop(MODEL_FIELD, b"").decode()
    return Search(query, [(item["id"], item["text"]) for item in kept], {int(k): v for k, v in stored.items()}, model)


def forward(model: Any, batch: list[Search | DocumentSearch], spec: ModelSpec) -> list[Found | DocumentFound]:
    """Embed each query and the passages, or the messages with no stored vector; rank them by cosine similarity."""
    return [_search_document(model, item, spec) if isinstance(item, DocumentSearch) else _search(model, item, spec)
            for item in batch]


def _search_document(model: Any, item: DocumentSearch, spec: ModelSpec) -> DocumentFound:
    vectors = embeddings.embed(model, [item.query] + [passage.text for passage in item.passages], spec)
    scores = vectors[1:] @ vectors[0]
    best = np.argsort(-scores, kind="stable")[:max(TOP, ASK_PASSAGES)]
    return DocumentFound(item.document, [(float(scores[n]), item.passages[n]) for n in best])


def _search(model: Any, item: Search, spec: ModelSpec) -> Found:
    reusable = item.stored if item.stored_model == spec.model else {}
    missing = [(message_id, text) for message_id, text in item.messages if message_id not in reusable]
    vectors = embeddings.embed(model, [item.query] + [text for _, text in missing], spec)
    fresh = {message_id: vectors[n + 1].tobytes() for n, (message_id, _) in enumerate(missing)}
    known = {**reusable, **fresh}
    matrix = np.stack([np.frombuffer(known[message_id], dtype=np.float32) for message_id, _ in item.messages])
    scores = matrix @ vectors[0]
    best = np.argsort(-scores, kind="stable")[:TOP]
    ids = {message_id for message_id, _ in item.messages}
    return Found(hits=[(float(scores[n]), item.messages[n][1]) for n in best], model=spec.model, fresh=fresh,
                 stale=[message_id for message_id in reusable if message_id not in ids],
                 replace=bool(item.stored) and not reusable)


def postprocess(found: Found | DocumentFound, job: Job, ctx: SkillContext) -> Reply:
    """Store the new vectors, forget stale ones, and list the best matches; for a document, list its closest
    passages, or pass them on to the chat skill to answer a question from."""
    if isinstance(found, DocumentFound):
        return _document_reply(found, job)
    key = message_vectors_key(job.chat_id)
    with ctx.redis.pipeline() as tx:
        if found.replace:
            tx.delete(key)
        tx.hset(key, mapping={MODEL_FIELD: found.model, **{str(k): v for k, v in found.fresh.items()}})
        if found.stale:
            tx.hdel(key, *(str(message_id) for message_id in found.stale))
        tx.expire(key, ctx.settings.pipegram_recent_ttl)
        tx.execute()
    lines = [f"{n}. ({score:.2f}, {embeddings.reading(score)}) {_quote(text)}"
             for n, (score, text) in enumerate(found.hits, 1)]
    return Reply(text=f"🔎 Closest messages in this chat to “{_quote(job.text.strip(), 80)}”:\n\n" + "\n".join(lines))


def _document_reply(found: DocumentFound, job: Job) -> Reply:
    notice = cut_notice(found.document, job.language)
    if job.options.get("ask"):
        document = question_options(found.document, [passage for _, passage in found.hits[:ASK_PASSAGES]], notice)
        return Reply(followups=(job.followup("chat", job.text, document=document,
                                             length=job.options.get("length", "normal")),))
    words = texts.for_language(job.language)
    place = words.DOCUMENT_PLACE[found.document.unit]
    lines = [f"{n}. ({place.format(number=passage.first)} · {score:.2f}, {embeddings.reading(score)}) "
             f"{_quote(passage.text)}" for n, (score, passage) in enumerate(found.hits[:TOP], 1)]
    header = words.DOCUMENT_FOUND.format(name=found.document.name or "📄", query=_quote(job.text.strip(), 80))
    return Reply(text="\n\n".join(filter(None, (header, "\n".join(lines), notice))))


def _quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
