"""Message splitting and token redaction: what users and operators see."""

import logging

from hypothesis import given
from hypothesis import strategies as st

from shared.telegram import RedactingFormatter, split_message, utf16_len


def test_short_text_is_one_piece() -> None:
    assert split_message("hello") == ["hello"]


def test_emoji_count_two_units() -> None:
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1


def test_splits_at_paragraphs_before_lines_and_words() -> None:
    first, second = "a" * 3000, "b" * 3000
    assert split_message(f"{first}\n\n{second}") == [first, second]
    assert split_message(f"{first}\n{second} word") == [first, f"{second} word"]


def test_splits_at_words_when_there_is_no_newline() -> None:
    words = " ".join(["word"] * 2500)  # 12,499 characters
    pieces = split_message(words)
    assert len(pieces) == 4
    assert all(utf16_len(piece) <= 4096 for piece in pieces)
    assert " ".join(pieces) == words


def test_emoji_text_is_split_by_utf16_units_without_breaking_a_character() -> None:
    text = "😀" * 3000  # 6000 units, no spaces: must hard-cut between characters
    pieces = split_message(text)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == text


@given(st.text(alphabet=st.sampled_from(["a", "😀", " ", "\n", "é", "中"]), max_size=12000))
def test_pieces_fit_and_lose_nothing_but_whitespace_at_the_cuts(text: str) -> None:
    pieces = split_message(text, limit=500)
    assert all(0 < utf16_len(p) <= 500 for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_log_lines_never_show_the_token() -> None:
    token = "123456:SECRET-token_value"
    formatter = RedactingFormatter("%(message)s", [token])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "POST https://api/bot%s/sendMessage", (token,), None)
    assert token not in formatter.format(record)
    other = logging.LogRecord("x", logging.INFO, __file__, 1, "GET http://h/file/bot987:abc%3Adef/voice/1.oga",
                              None, None)
    assert "987:abc" not in formatter.format(other)
    try:
        raise RuntimeError(f"failed calling /bot{token}/getMe")
    except RuntimeError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    assert token not in formatter.format(failed)
