"""Subtitles read well whatever timestamps the model returns: ordered, non-empty, long enough, valid files."""

from __future__ import annotations

import io

import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.subtitles import MIN_CUE_S, cues, paragraphs, to_srt, to_vtt

times = st.one_of(st.none(), st.floats(min_value=-5, max_value=4000, allow_nan=False))
words = st.text(alphabet="ab <>&-\n", min_size=0, max_size=12)
segments = st.lists(st.tuples(times, times, words), max_size=30)
# A busy CI machine must not turn slow example generation into a failure.
patient = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@patient
@given(segments, st.floats(min_value=0.5, max_value=3700))
def test_cues_are_increasing_non_empty_long_enough_and_keep_every_word(found, duration_s) -> None:
    made = cues(found, duration_s)
    for cue in made:
        assert cue.text.strip() and cue.end - cue.start >= MIN_CUE_S - 1e-9 and cue.start >= 0
        assert cue.end <= max(duration_s, MIN_CUE_S) + 1e-9
    for before, after in zip(made, made[1:], strict=False):
        assert after.start >= before.end and after.start > before.start
    assert " ".join(cue.text for cue in made).split() == \
        " ".join(text for _, _, text in sorted(found, key=lambda s: max(0.0, s[0] or 0.0))).split()


def test_zero_length_and_overlapping_timestamps_from_a_tiny_model_become_readable_cues() -> None:
    found = [(2.686, 2.686, " we"), (2.686, 2.686, " meet"), (2.0, 9.0, "early"), (8.0, None, "at noon")]
    made = [(round(c.start, 3), round(c.end, 3), c.text) for c in cues(found, duration_s=10.0)]
    assert made == [(2.0, 3.0, "early"), (3.0, 4.0, "we"), (4.0, 8.0, "meet"), (8.0, 10.0, "at noon")]


def test_cues_with_no_room_left_join_the_one_before_within_the_recording() -> None:
    made = cues([(0.0, 0.0, "a"), (3.0, 3.0, "b"), (4.5, 4.5, "c"), (4.9, None, "d")], duration_s=5.0)
    assert [(c.start, c.end, c.text) for c in made] == [(0.0, 3.0, "a"), (3.0, 4.5, "b c d")]


def test_srt_numbers_and_times_its_cues() -> None:
    srt = to_srt([(0.0, 1.5, " Hello."), (1.5, None, " there "), (3600.2, 3700.0, "past the end"),
                  (2.0, 2.5, "  ")], duration_s=3661.0)
    assert srt == ("1\n00:00:00,000 --> 00:00:01,500\nHello.\n\n"
                   "2\n00:00:01,500 --> 01:00:00,200\nthere\n\n"
                   "3\n01:00:00,200 --> 01:01:01,000\npast the end\n")


@patient
@given(segments, st.floats(min_value=0.5, max_value=3700))
def test_vtt_files_parse_as_webvtt_with_the_same_cues(found, duration_s) -> None:
    text = to_vtt(found, duration_s)
    made = cues(found, duration_s)
    if not made:
        assert text == ""
        return
    parsed = webvtt.from_buffer(io.StringIO(text))  # raises on anything that is not WebVTT
    assert [(c.start, c.end) for c in parsed] == [(f"{_hms(c.start)}", f"{_hms(c.end)}") for c in made]
    assert [c.text for c in parsed] == [c.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                                        for c in made]


def test_paragraphs_break_at_pauses_and_stamp_their_start_on_request() -> None:
    found = [(0.0, 2.0, "One."), (2.5, 4.0, " Two."), (64.0, 66.0, "Three."), (3725.0, None, "Four.")]
    assert paragraphs(found, 3800) == "One. Two.\n\nThree.\n\nFour."
    assert paragraphs(found, 3800, timestamps=True) == \
        "[0:00:00] One. Two.\n\n[0:01:04] Three.\n\n[1:02:05] Four."
    assert paragraphs(found[:3], 70, timestamps=True) == "[0:00] One. Two.\n\n[1:04] Three."


def _hms(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"
