"""Cutting long text to a model's window: whole sentences when they fit, else words, else slices."""

from workers.chunks import SPECIAL_TOKENS, split_to_fit


def words(text: str) -> int:
    return len(text.split())


def test_sentences_are_packed_whole_within_the_limit() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(100))
    pieces = split_to_fit(text, 40, words)
    assert all(words(piece) <= 40 - SPECIAL_TOKENS for piece in pieces)
    assert all(piece.endswith("here.") for piece in pieces)
    assert " ".join(pieces) == text


def test_a_short_text_is_one_piece_and_an_empty_one_none() -> None:
    assert split_to_fit("Hello there. How are you?", 100, words) == ["Hello there. How are you?"]
    assert split_to_fit("  \n ", 100, words) == []


def test_a_sentence_longer_than_the_window_is_cut_at_words() -> None:
    text = " ".join(["word"] * 1000)
    pieces = split_to_fit(text, 100, words)
    assert len(pieces) == 11 and all(words(piece) <= 92 for piece in pieces)


def test_a_word_longer_than_the_window_is_sliced() -> None:
    def chars(text: str) -> int:
        return len(text)

    pieces = split_to_fit("x" * 100_000, 512, chars)
    assert all(len(piece) <= 512 for piece in pieces)
    assert "".join(pieces).replace(" ", "") == "x" * 100_000
