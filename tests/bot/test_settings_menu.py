"""/settings buttons and /stats lines, without Telegram: what a button's data means and how the figures read."""

from __future__ import annotations

import pytest

from bot import admin, texts, texts_de
from bot.preferences import ANSWER_LENGTH_PREF
from bot.settings_menu import parse, render
from bot.speech import VOICE_PREF
from bot.text_tools import TARGET_PREF
from shared import jobstats
from shared.languages import find_language
from shared.settings import Settings


def test_every_button_of_the_menu_parses_to_a_preference() -> None:
    german = find_language("de")
    assert german is not None
    text, keyboard = render(texts, german, "file", "short")
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert "German" in text and texts.VOICE_REPLIES["file"] in text
    assert "✅ Deutsch" in labels and "✅ 📄 As a file" in labels and "📝 Transcript" in labels
    for row in keyboard.inline_keyboard:
        for button in row:
            assert isinstance(button.callback_data, str) and parse(button.callback_data) is not None
    assert parse("set:lang:deu_Latn") == (TARGET_PREF, "deu_Latn")
    assert parse("set:voice:off") == (VOICE_PREF, "off")
    assert parse("set:voice:file") == (VOICE_PREF, "file")
    assert parse("set:len:long") == (ANSWER_LENGTH_PREF, "long")


@pytest.mark.parametrize("data", [None, "", "set", "set:len", "set:len:huge", "set:admin:on", "set:voice:on:x",
                                  "other:voice:on", "set:lang:klingon"])
def test_stale_or_forged_data_is_refused(data: str | None) -> None:
    assert parse(data) is None


def test_stats_lines_and_admins() -> None:
    stats = jobstats.skill_stats("chat", ["0.5 1.0", "0.0 2.0"], {"answered": 2, "failed": 1})
    text = admin.render_stats(texts, [stats])
    assert "chat: jobs 3, errors 1, p50 " in text
    assert "Aufträge 3" in admin.render_stats(texts_de, [stats])
    assert texts.STATS_NONE in admin.render_stats(texts, [])
    settings = Settings(_env_file=None, admin_users="5, 7")
    assert settings.is_admin(7) and not settings.is_admin(6) and not Settings(_env_file=None).is_admin(5)
