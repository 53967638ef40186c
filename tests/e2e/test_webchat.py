"""The emulator's web chat in a real headless Chromium (Debian's), driven by Playwright.

Real: the page, the browser, the emulator, and the bot and worker of the shared stack that answer the text,
the photo, /settings and its buttons, /say and a /classify sent as a reply to the bot's voice note.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page

from tests.browser import chromium, send
from tests.e2e.conftest import MAIN_TOKEN, Stack
from tests.processes import wait_until

pytestmark = pytest.mark.e2e
BOB = "1"  # the page's second simulated user (id 4102), as the user picker's value


def bot_messages(page: Page) -> Locator:
    return page.locator(".msg.bot")


def test_web_chat_text_photo_and_settings_buttons(stack: Stack, emulator_url: str, tmp_path: Path,
                                                  log_dir: Path) -> None:
    photo = tmp_path / "cat.png"
    picture = Image.new("RGB", (240, 160), (135, 190, 235))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 110, 240, 160), fill=(90, 160, 70))
    draw.ellipse((170, 20, 215, 65), fill=(250, 210, 60))
    picture.save(photo)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 760, "height": 640})
        page.goto(f"{emulator_url}/?token={MAIN_TOKEN}")

        send(page, "hello from the browser")
        bot_messages(page).first.wait_for(timeout=90_000)
        assert bot_messages(page).first.inner_text().strip()

        page.set_input_files("#file", str(photo))
        mine = page.locator(".msg.user img")
        mine.wait_for()
        assert page.evaluate("(img) => img.complete && img.naturalWidth", mine.element_handle()) == 240
        reply = page.locator(".msg.user:has(img) ~ .msg.bot").first  # the page orders messages by id
        reply.wait_for(timeout=90_000)
        for image in reply.locator("img").element_handles():
            wait_until(lambda i=image: page.evaluate("(img) => img.complete && img.naturalWidth > 0", i),
                       "the bot's image rendering", 10)

        send(page, "/settings")
        page.locator(".keyboard button.chosen", has_text="Normal").wait_for(timeout=30_000)
        page.locator(".keyboard button", has_text="Long").click()
        # The bot edits the menu: the new choice is the highlighted one.
        page.locator(".keyboard button.chosen", has_text="Long").wait_for(timeout=30_000)
        assert page.locator(".keyboard button.chosen", has_text="Normal").count() == 0
        page.screenshot(path=str(log_dir / "webchat.png"))


def test_a_reply_only_command_answers_from_the_web_chat(stack: Stack, emulator_url: str) -> None:
    """Reply to the bot's voice note with /classify, as a Telegram user would: the reply is what the skill needs."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 760, "height": 640})
        page.goto(f"{emulator_url}/?token={MAIN_TOKEN}")
        page.select_option("#user", BOB)
        send(page, "/say hello there")
        voice = page.locator(".msg.bot:has(audio.voice)").last
        voice.wait_for(timeout=90_000)

        voice.locator("button.reply").click()
        send(page, "/classify dog barking, rain")
        answer = page.locator(".msg.bot", has_text="What this sounds like")
        answer.wait_for(timeout=90_000)
        text = answer.inner_text()
        assert "dog barking" in text and "rain" in text
        assert "/classify dog barking, rain" in answer.locator(".quote").inner_text()  # it answers that message
