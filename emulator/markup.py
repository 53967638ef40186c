"""Validate Telegram parse_mode markup and turn it into plain text plus entities."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

PARSE_MODES = ("html", "markdown", "markdownv2")


class MarkupError(ValueError):
    """Markup Telegram would reject; str() is the detail after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports error positions in UTF-8 bytes."""
    return len(text[:index].encode())


class _Out:
    """Accumulates plain text while tracking the UTF-16 position for entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict] = []

    def add(self, chunk: str) -> None:
        """Append plain text."""
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, kind: str, start: int, extra: dict | None = None, end: int | None = None) -> None:
        """Record an entity from start to end (default: the current position)."""
        end = self.pos if end is None else end
        if end > start:  # Telegram silently drops empty entities
            self.entities.append({"type": kind, "offset": start, "length": end - start, **(extra or {})})

    def result(self) -> tuple[str, list[dict]]:
        """Plain text and entities sorted the way Telegram returns them."""
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def parse(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Return (plain text, entities); raise MarkupError for invalid markup."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode not in _PARSERS:
        raise ValueError(f"unsupported parse_mode {parse_mode!r}")
    return _PARSERS[mode](text)


def strip(text: str, parse_mode: str | None) -> str:
    """Return only the plain text that Telegram would display."""
    return parse(text, parse_mode)[0]


# ---------------------------------------------------------------- HTML

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "a": "text_link", "code": "code", "pre": "pre",
    "span": "spoiler", "tg-spoiler": "spoiler", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHAR_REF = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR = re.compile(r"""\s*([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _parse_html(text: str) -> tuple[str, list[dict]]:
    out, stack, i = _Out(), list[tuple[str, int, dict]](), 0
    while i < len(text):
        char = text[i]
        if char == "<":
            i = _html_tag(text, i, out, stack)
        elif char == "&":
            i = _html_char_ref(text, i, out)
        elif char == ">":
            raise MarkupError(f'Character ">" must be escaped as "&gt;" at byte offset {_byte_offset(text, i)}')
        else:
            out.add(char)
            i += 1
    if stack:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _html_char_ref(text: str, i: int, out: _Out) -> int:
    match = _CHAR_REF.match(text, i)
    if not match:
        raise MarkupError(f'Character "&" must be escaped as "&amp;" at byte offset {_byte_offset(text, i)}')
    dec, hexa, name = match.groups()
    code = int(dec) if dec else int(hexa, 16) if hexa else 0
    if not name and not 0 < code <= 0x10FFFF:
        raise MarkupError(f"Unsupported HTML entity at byte offset {_byte_offset(text, i)}")
    out.add(_NAMED[name] if name else chr(code))
    return match.end()


def _html_tag(text: str, i: int, out: _Out, stack: list) -> int:
    offset = _byte_offset(text, i)
    end = text.find(">", i)
    if end == -1:
        raise MarkupError(f"Unclosed start tag at byte offset {offset}")
    body = text[i + 1:end]
    if body.startswith("/"):
        _html_close(body[1:].strip().lower(), offset, out, stack)
        return end + 1
    match = _TAG_NAME.match(body)
    name = match.group(0).lower() if match else ""
    if name not in _HTML_TAGS:
        raise MarkupError(f'Unsupported start tag "{name or body}" at byte offset {offset}')
    attrs = {m.group(1).lower(): html.unescape(next((g for g in m.groups()[1:] if g is not None), ""))
             for m in _ATTR.finditer(body[len(name):]) if m.group(1)}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "tg-emoji" and not attrs.get("emoji-id"):
        raise MarkupError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
    stack.append((name, out.pos, attrs))
    return end + 1


def _html_close(name: str, offset: int, out: _Out, stack: list) -> None:
    if not stack:
        raise MarkupError(f"Unexpected end tag at byte offset {offset}")
    tag, start, attrs = stack.pop()
    if name != tag:
        raise MarkupError(f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", found "</{name}>"')
    kind, extra = _HTML_TAGS[tag], dict[str, str]()
    language = attrs.get("class", "")
    if tag == "code" and stack and stack[-1][0] == "pre" and language.startswith("language-"):
        stack[-1][2]["language"] = language[len("language-"):]  # <pre><code class=..> is one pre
        return
    if tag == "a":
        if not attrs.get("href"):
            return
        extra["url"] = attrs["href"]
    elif tag == "pre" and attrs.get("language"):
        extra["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    elif tag == "tg-emoji":
        extra["custom_emoji_id"] = attrs["emoji-id"]
    out.entity(kind, start, extra)


# ---------------------------------------------------------------- MarkdownV2

_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD2_TOKENS = (("||", "spoiler"), ("__", "underline"), ("*", "bold"), ("_", "italic"), ("~", "strikethrough"))
_MD2_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
              "spoiler": "Spoiler", "text_link": "TextUrl", "custom_emoji": "CustomEmoji"}


def _parse_md2(text: str) -> tuple[str, list[dict]]:
    out, stack, i, quote = _Out(), [], 0, None
    while i < len(text):
        char = text[i]
        if i == 0 or text[i - 1] == "\n":  # blockquotes are decided per line
            quote, consumed = _md2_quote_line(text, i, out, quote)
            if consumed:
                i += 1
                continue
        if char == "\\" and i + 1 < len(text) and ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
        elif char == "`":
            i = _md2_code(text, i, out)
        elif char == "[" or text.startswith("![", i):
            stack.append(("custom_emoji" if char == "!" else "text_link", out.pos, _byte_offset(text, i)))
            i += 2 if char == "!" else 1
        elif char == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            i = _md2_link_end(text, i, out, stack.pop())
        else:
            i = _md2_plain_or_style(text, i, out, stack)
    if stack:
        kind, _, offset = stack[-1]
        raise MarkupError(f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {offset}")
    if quote is not None:
        out.entity("blockquote", quote)
    return out.result()


def _md2_quote_line(text: str, i: int, out: _Out, quote: int | None) -> tuple[int | None, bool]:
    if text[i] == ">":
        return (out.pos if quote is None else quote), True
    if quote is not None:
        out.entity("blockquote", quote, end=out.pos - 1)  # the quote ends before the newline
    return None, False


def _md2_plain_or_style(text: str, i: int, out: _Out, stack: list) -> int:
    for token, kind in _MD2_TOKENS:
        if text.startswith(token, i):
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                out.entity(kind, start)
            elif any(entry[0] == kind for entry in stack):
                raise MarkupError(f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset "
                                  f"{next(e[2] for e in stack if e[0] == kind)}")
            else:
                stack.append((kind, out.pos, _byte_offset(text, i)))
            return i + len(token)
    if text[i] in _MD2_RESERVED:
        raise MarkupError(f"Character '{text[i]}' is reserved and must be escaped with the preceding '\\'")
    out.add(text[i])
    return i + 1


def _md2_scan(text: str, i: int, out: _Out | None, stop: str) -> int:
    """Copy escaped content until an unescaped stop string; return its index or -1."""
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            if out:
                out.add(text[i + 1])
            i += 2
        elif text.startswith(stop, i):
            return i
        else:
            if out:
                out.add(text[i])
            i += 1
    return -1


def _md2_code(text: str, i: int, out: _Out) -> int:
    offset, start = _byte_offset(text, i), out.pos
    if not text.startswith("```", i):
        end = _md2_scan(text, i + 1, out, "`")
        if end == -1:
            raise MarkupError(f"Can't find end of Code entity at byte offset {offset}")
        out.entity("code", start)
        return end + 1
    body, language = i + 3, ""
    newline, close = text.find("\n", body), _md2_scan(text, body, None, "```")
    if newline != -1 and (close == -1 or newline < close):
        language, body = text[body:newline].strip(), newline + 1
    end = _md2_scan(text, body, out, "```")
    if end == -1:
        raise MarkupError(f"Can't find end of Pre entity at byte offset {offset}")
    out.entity("pre", start, {"language": language} if language else None)
    return end + 3


def _md2_link_end(text: str, i: int, out: _Out, opened: tuple) -> int:
    kind, start, _ = opened
    if not text.startswith("(", i + 1):
        return i + 1  # "[text]" without a URL is plain text
    url_out = _Out()
    end = _md2_scan(text, i + 2, url_out, ")")
    if end == -1:
        raise MarkupError(f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}")
    url = "".join(url_out.parts)
    if kind == "custom_emoji":
        out.entity(kind, start, {"custom_emoji_id": url.rpartition("id=")[2]})
    else:
        out.entity(kind, start, {"url": url})
    return end + 1


# ---------------------------------------------------------------- legacy Markdown

_MD1_STYLES = {"*": "bold", "_": "italic"}


def _parse_md1(text: str) -> tuple[str, list[dict]]:
    out, i = _Out(), 0
    while i < len(text):
        char = text[i]
        if char == "\\" and text[i + 1:i + 2] in ("_", "*", "`", "["):
            out.add(text[i + 1])
            i += 2
        elif char in _MD1_STYLES or char in "`[":
            i = _md1_entity(text, i, out)
        else:
            out.add(char)
            i += 1
    return out.result()


def _md1_entity(text: str, i: int, out: _Out) -> int:
    char, start = text[i], out.pos
    opener = "```" if text.startswith("```", i) else char
    closer = "]" if char == "[" else opener
    end = text.find(closer, i + len(opener))
    if end == -1:
        raise MarkupError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}")
    body = text[i + len(opener):end]
    if opener == "```":
        first, _, rest = body.partition("\n")
        language = first.strip() if rest and first.strip() and " " not in first.strip() else ""
        out.add(rest if language else body)
        out.entity("pre", start, {"language": language} if language else None)
        return end + 3
    out.add(body)
    if char != "[":
        out.entity(_MD1_STYLES.get(char, "code"), start)
        return end + 1
    if not text.startswith("(", end + 1):
        return end + 1
    close = text.find(")", end + 2)
    if close == -1:
        raise MarkupError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}")
    out.entity("text_link", start, {"url": text[end + 2:close]})
    return close + 1


_PARSERS: dict[str, Callable[[str], tuple[str, list[dict]]]] = {
    "html": _parse_html, "markdown": _parse_md1, "markdownv2": _parse_md2,
}
