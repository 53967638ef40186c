"""Message splitting and token redaction: what users and operators see."""

import json
import logging
import sys

from hypothesis import given
from hypothesis import strategies as st

from shared.settings import Settings
from shared.telegram import RedactingFormatter, job_fields, make_formatter, split_message, utf16_len


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
        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    assert token not in formatter.format(failed)


def test_json_logs_are_one_object_per_line_with_job_fields_and_no_token() -> None:
    token = "123456:SECRET-token_value"
    formatter = make_formatter(Settings(_env_file=None, telegram_bot_token=token, log_format="JSON"))
    record = logging.LogRecord("workers.runner", logging.INFO, __file__, 1, "job %s answered via /bot%s/sendMessage",
                               ("j1", token), None)
    record.__dict__.update({**job_fields("j1", "chat", -1001), "outcome": "answered"})
    line = formatter.format(record)
    assert "\n" not in line and token not in line
    event = json.loads(line)
    assert event["level"] == "INFO" and event["logger"] == "workers.runner"
    assert event["message"] == "job j1 answered via /bot<redacted>/sendMessage"
    assert (event["job_id"], event["skill"], event["chat_id"], event["outcome"]) == ("j1", "chat", -1001, "answered")
    assert "time" in event


def test_json_logs_scrub_the_token_from_tracebacks_and_omit_absent_fields() -> None:
    token = "123456:SECRET-token_value"
    formatter = make_formatter(Settings(_env_file=None, telegram_bot_token=token, log_format="json"))
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{token}/getMe")
    except RuntimeError:
        failed = logging.LogRecord("bot.updates", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    line = formatter.format(failed)
    assert token not in line and "SECRET" not in line
    event = json.loads(line)
    assert "RuntimeError" in event["exception"] and "job_id" not in event


def test_the_default_log_format_stays_one_plain_line() -> None:
    formatter = make_formatter(Settings(_env_file=None, telegram_bot_token="1:x"))
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "queued job j2", None, None)
    record.__dict__.update(job_fields("j2", "chat", 5))
    line = formatter.format(record)
    assert line.endswith("INFO bot MainProcess: queued job j2") and not line.startswith("{")
