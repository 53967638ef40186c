"""A transcript's timed segments as subtitles (SubRip, WebVTT) and as paragraphs broken at pauses.

Speech models return timestamps that can be missing, equal, overlapping or past the end. Cues are made to read
well whatever they are: in order, each on screen at least MIN_CUE_S, none overlapping the next, all within the
recording (a cue with no room left joins the one before it).
"""

from __future__ import annotations

from dataclasses import dataclass

Segment = tuple[float, float | None, str]  # start, end (None: unknown), text; seconds from the recording's start

MIN_CUE_S = 1.0  # shorter cues flash by unread
PARAGRAPH_PAUSE_S = 2.0  # a silence this long between two segments starts a new paragraph


@dataclass(frozen=True)
class Cue:
    """One subtitle: on screen from start to end (seconds), saying text (one line of words)."""

    start: float
    end: float
    text: str


def cues(segments: list[Segment], duration_s: float) -> list[Cue]:
    """Readable cues from whatever timestamps the model gave: increasing, non-empty, at least MIN_CUE_S long."""
    ordered = sorted(((max(0.0, start or 0.0), end, " ".join(text.split())) for start, end, text in segments
                      if text.strip()), key=lambda segment: segment[0])
    latest_start = max(0.0, duration_s - MIN_CUE_S)
    made: list[Cue] = []
    for index, (start, end, text) in enumerate(ordered):
        start = max(start, made[-1].end if made else 0.0)
        if start > latest_start and made:  # no room left in the recording: say it with the cue before
            made[-1] = Cue(made[-1].start, made[-1].end, f"{made[-1].text} {text}")
            continue
        start = min(start, latest_start)
        following = ordered[index + 1][0] if index + 1 < len(ordered) else None
        if end is None or end <= start:
            end = following if following is not None and following > start else duration_s
        if following is not None and following < end:  # overlapping: give way to the next one, once readable
            end = max(following, start + MIN_CUE_S)
        end = max(min(end, duration_s), start + MIN_CUE_S)
        made.append(Cue(start, end, text))
    return made


def to_srt(segments: list[Segment], duration_s: float) -> str:
    """SubRip subtitles: numbered cues with start --> end times."""
    return "\n".join(f"{number}\n{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}\n{cue.text}\n"
                     for number, cue in enumerate(cues(segments, duration_s), start=1))


def to_vtt(segments: list[Segment], duration_s: float) -> str:
    """WebVTT subtitles (what browsers and most players read); empty when nothing was said."""
    made = cues(segments, duration_s)
    if not made:
        return ""
    body = "\n".join(f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}\n{_vtt_text(cue.text)}\n" for cue in made)
    return f"WEBVTT\n\n{body}"


def _vtt_text(text: str) -> str:
    # In WebVTT cue text "<" opens a tag and "&" an escape; "-->" would read as a timing line.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraphs(segments: list[Segment], duration_s: float, timestamps: bool = False) -> str:
    """The words in paragraphs, a new one after each pause of PARAGRAPH_PAUSE_S; each stamped [m:ss] if asked."""
    found: list[tuple[float, list[str]]] = []
    last_end: float | None = None
    for start, end, text in sorted(segments, key=lambda segment: segment[0] or 0.0):
        if not text.strip():
            continue
        start = start or 0.0
        if last_end is None or start - last_end >= PARAGRAPH_PAUSE_S:
            found.append((start, []))
        found[-1][1].append(" ".join(text.split()))
        last_end = max(last_end or 0.0, end if end is not None else start)
    hours = duration_s >= 3600
    return "\n\n".join((f"[{_short_clock(start, hours)}] " if timestamps else "") + " ".join(words)
                       for start, words in found)


def _clock(seconds: float, decimal: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def _short_clock(seconds: float, hours: bool) -> str:
    whole = int(seconds)
    if hours:
        return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"
