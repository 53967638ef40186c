"""/translate, /language, /summarize, /similar and /find through the emulator, bot, Redis and a worker."""

from __future__ import annotations

import pytest

from bot import texts
from emulator.client import EmulatorClient
from tests.e2e.conftest import Stack
from tests.sounds import spoken
from workers import texts as worker_texts
from workers.tiny import WORDS

pytestmark = pytest.mark.e2e


def ask(client: EmulatorClient, user_id: int, text: str, timeout: float = 60, **fields: object) -> str:
    """Send a message and return the text of the bot's first reply to it."""
    sent = client.send_text(text, user_id=user_id, **fields)
    return client.wait_for_replies(user_id, after=sent["message_id"], timeout=timeout)[0]["message"]["text"]


def send_document(client: EmulatorClient, user_id: int, text: str) -> int:
    sent = client.send_file("document", text.encode(), filename="notes.txt", mime_type="text/plain",
                            user_id=user_id)
    [hint] = client.wait_for_replies(user_id, after=sent["message_id"], timeout=60)
    assert hint["message"]["text"] == texts.TEXT_FILE_HINT
    return sent["message_id"]


def prose(chars: int) -> str:
    words = WORDS.split()
    sentences = [" ".join(words[(n * 5 + k) % len(words)] for k in range(10)).capitalize() + "." for n in range(97)]
    text = " ".join(sentences)
    return (text * (chars // len(text) + 1))[:chars]


@pytest.mark.parametrize("language, name", [("french", "French"), ("Deutsch", "German"), ("es", "Spanish"),
                                            ("por_Latn:", "Portuguese")])
def test_translate_names_the_target_by_name_native_name_or_code(stack: Stack, language: str, name: str) -> None:
    reply = ask(stack.client, 7101, f"/translate {language} hello there my friend")
    assert reply.startswith(f"🌐 From English to {name}:\n") and len(reply) > len(name) + 20


def test_translate_a_replied_message_and_use_the_default_language(stack: Stack) -> None:
    client = stack.client
    original = client.send_text("the cat and the dog", user_id=7102)
    client.wait_for_replies(7102, after=original["message_id"], timeout=60)  # the chat skill's answer
    assert ask(client, 7102, "/translate italian", reply_to_message_id=original["message_id"]).startswith(
        "🌐 From English to Italian:")
    assert ask(client, 7102, "/language").startswith("🌐 /translate without a language translates into English")
    assert ask(client, 7102, "/language Deutsch") == texts.LANGUAGE_SET.format(name="German", code="deu_Latn")
    assert ask(client, 7102, "/translate good morning").splitlines()[0].endswith(" to German:")
    assert ask(client, 7102, "/translate", reply_to_message_id=original["message_id"]).startswith(
        "🌐 From English to German:")


def test_translate_explains_what_to_do_with_unknown_languages_nothing_to_translate_and_voice(stack: Stack) -> None:
    client = stack.client
    unknown = texts.UNKNOWN_LANGUAGE
    assert ask(client, 7103, "/translate klingon: qapla") == unknown.format(words="klingon:", suggestion="")
    # A first word meant as a language is asked about, not translated with the text.
    assert ask(client, 7103, "/translate klingon Hello there") == unknown.format(words="klingon", suggestion="")
    assert ask(client, 7103, "/translate germn Hello there") == unknown.format(
        words="germn", suggestion=texts.DID_YOU_MEAN.format(names="German"))
    assert ask(client, 7103, "/translate latin Hello there") == texts.CANNOT_TRANSLATE.format(name="Latin")
    original = client.send_text("good morning", user_id=7103)
    client.wait_for_replies(7103, after=original["message_id"], timeout=60)
    assert "fra_Latn" in ask(client, 7103, "/translate klingon", reply_to_message_id=original["message_id"])
    assert ask(client, 7103, "/translate") == texts.TRANSLATE_USAGE
    assert ask(client, 7103, "/language elvish").startswith("I don't know a language called \"elvish\"")


def test_translate_a_voice_note_transcribes_it_first(stack: Stack) -> None:
    client = stack.client
    voice = client.send_file("voice", spoken("good morning my friend"), filename="voice.ogg", mime_type="audio/ogg",
                             user_id=7106)
    client.wait_for_replies(7106, after=voice["message_id"], timeout=60)  # its own transcript
    asked = client.send_text("/translate french", user_id=7106, reply_to_message_id=voice["message_id"])
    transcript, translation = client.wait_for_replies(7106, count=2, after=asked["message_id"], timeout=60)
    assert transcript["message"]["text"].startswith("🗣")
    assert translation["message"]["text"].splitlines()[0].endswith(" to French:")
    assert translation["reply_to_message_id"] == transcript["reply_to_message_id"] == asked["message_id"]


def test_summarize_typed_text_a_reply_and_a_forwarded_long_message(stack: Stack) -> None:
    client = stack.client
    assert ask(client, 7104, f"/summarize {prose(2000)}").startswith("📝 Summary:\n")
    original = client.send_text(prose(3000), user_id=7104, forward=True)
    [summary] = client.wait_for_replies(7104, after=original["message_id"], timeout=60)
    assert summary["message"]["text"].startswith("📝 Summary:\n")  # a long forward is summarised, not chatted
    assert ask(client, 7104, "/summarize short", reply_to_message_id=original["message_id"]).startswith("📝 Summary:")
    assert ask(client, 7104, "/summarize") == texts.SUMMARIZE_USAGE


def test_summarize_a_50000_character_document_and_read_only_the_start_of_a_100000_one(stack: Stack) -> None:
    client = stack.client
    document = send_document(client, 7105, prose(50_000))
    summary = ask(client, 7105, "/summarize short", reply_to_message_id=document)
    assert summary.startswith("📝 Summary:\n") and "✂️" not in summary
    document = send_document(client, 7105, prose(100_000))
    cut = worker_texts.DOCUMENT_CUT["paragraph"]
    summary = ask(client, 7105, "/summarize", reply_to_message_id=document)
    assert summary.startswith("📝 Summary:\n") and summary.endswith(cut.format(chars="80,000"))
    asked = client.send_text("/translate fr", user_id=7105, reply_to_message_id=document)
    translated, file = client.wait_for_replies(7105, 2, after=asked["message_id"], timeout=90)
    assert translated["message"]["text"].startswith("🌐 From English to French:\n")
    assert translated["message"]["text"].endswith(cut.format(chars="10,000"))
    assert file["message"]["document"]["file_name"] == "notes.fr.txt"
    assert ask(client, 7105, "/similar the cat | the cat").startswith("🔗 Similarity 1.00")  # still serving


def test_similar_scores_two_sentences_and_asks_for_two(stack: Stack) -> None:
    client = stack.client
    assert ask(client, 7106, "/similar a dog ran | a dog ran").startswith("🔗 Similarity 1.00: nearly the same")
    assert ask(client, 7106, "/similar the cat sat\nthe dog ran").startswith("🔗 Similarity ")
    assert "two sentences" in ask(client, 7106, "/similar just one sentence")


def test_find_searches_the_chats_own_messages(stack: Stack) -> None:
    client = stack.client
    assert "no messages of this chat" in ask(client, 7107, "/find the dog")
    for text in ("the cat sat on the table", "we walk the dog every morning", "send me the paper tomorrow"):
        ask(client, 7107, text)
    answer = ask(client, 7107, "/find we walk the dog every morning")
    assert answer.splitlines()[2] == "1. (1.00, nearly the same meaning) we walk the dog every morning"
    assert "no messages" in ask(client, 7108, "/find the dog")  # another chat's messages are its own
