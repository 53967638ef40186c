"""The emulator's web chat in a real headless Chromium (Debian's), driven by Playwright.

Real: the page, the browser, the emulator, and the bot and worker of the shared stack that answer the text
and the photo. Driven: the inline keyboard, which the test sends as the bot would (a raw sendMessage), since
no skill sends one yet; the press is the page's own, checked through the emulator's state.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page

from tests.browser import chromium
from tests.e2e.conftest import MAIN_TOKEN, Stack
from tests.processes import ROOT, wait_until

pytestmark = pytest.mark.e2e
ALICE = 4101  # the page's first simulated user, in a private chat with the bot
# The README's picture; `PIPEGRAM_SCREENSHOT=docs/webchat.png make test` refreshes it, otherwise it goes to the logs.
SCREENSHOT = os.environ.get("PIPEGRAM_SCREENSHOT")


def bot_messages(page: Page) -> Locator:
    return page.locator(".msg.bot")


def test_web_chat_text_photo_and_inline_button(stack: Stack, emulator_url: str, tmp_path: Path,
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

        page.fill("#text", "hello from the browser")
        page.click("button[type=submit]")
        page.locator(".msg.user", has_text="hello from the browser").wait_for()
        bot_messages(page).first.wait_for(timeout=90_000)
        assert bot_messages(page).first.inner_text().strip()

        page.set_input_files("#file", str(photo))
        mine = page.locator(".msg.user img")
        mine.wait_for()
        assert page.evaluate("(img) => img.complete && img.naturalWidth", mine.element_handle()) == 240
        # Whatever the bot answers a photo with: a text today, an annotated image once that skill lands.
        reply = page.locator(".msg.user:has(img) ~ .msg.bot").first  # the page orders messages by id
        reply.wait_for(timeout=90_000)
        for image in reply.locator("img").element_handles():
            wait_until(lambda i=image: page.evaluate("(img) => img.complete && img.naturalWidth > 0", i),
                       "the bot's image rendering", 10)

        sent = httpx.post(f"{emulator_url}/bot{MAIN_TOKEN}/sendMessage", json={
            "chat_id": ALICE, "text": "Did that help?",
            "reply_markup": {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"},
                                                  {"text": "No", "callback_data": "no"}]]}}).json()["result"]
        page.locator(".keyboard button", has_text="Yes").click()
        wait_until(lambda: pressed(stack, sent["message_id"]), "the press reaching the emulator", 10)
        page.wait_for_timeout(300)  # let late images settle for the screenshot
        page.screenshot(path=str(ROOT / SCREENSHOT) if SCREENSHOT else str(log_dir / "webchat.png"))
    [query] = pressed(stack, sent["message_id"])
    assert query["data"] == "yes" and query["from"]["id"] == ALICE
    wait_until(lambda: stack.client.state()["pending_updates"] == 0, "the bot taking the callback_query", 30)


def pressed(stack: Stack, message_id: int) -> list[dict]:
    """Callback queries users made on one message, as the emulator recorded them."""
    return [q for q in stack.client.state()["callback_queries"] if q["message"]["message_id"] == message_id]

