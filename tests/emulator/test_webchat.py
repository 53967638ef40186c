"""What the emulator serves for the web chat, and the control API fields the page relies on."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest
import telegram
from PIL import Image

from emulator import LOCAL_TOKEN
from emulator.client import EmulatorClient
from emulator.server import EmulatorThread
from tests.browser import FAKE_MICROPHONE, chromium, send
from tests.emulator.conftest import FIXED_TOKEN, USER, with_bot

pytestmark = pytest.mark.timeout(60)


def test_page_and_its_assets_are_served(emu: EmulatorThread, fixed_emu: EmulatorThread) -> None:
    page = httpx.get(f"{emu.url}/")
    assert page.headers["content-type"].startswith("text/html")
    assert f'data-default-token="{LOCAL_TOKEN}"' in page.text and "{{" not in page.text
    for asset, kind in (("chat.js", "javascript"), ("chat.css", "text/css")):
        response = httpx.get(f"{emu.url}/web/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert (files("emulator") / "web" / asset).read_text() == response.text
    assert FIXED_TOKEN not in httpx.get(f"{fixed_emu.url}/").text  # a fixed token is never handed out
    assert httpx.get(f"{emu.url}/web/").status_code == 403  # no directory listing


def test_sent_items_carry_changed_at_also_for_deletions(emu: EmulatorThread, token: str,
                                                        client: EmulatorClient) -> None:
    client.send_text("hi")

    async def send_and_delete(bot: telegram.Bot) -> None:
        message = await bot.send_message(USER, "soon gone")
        await bot.delete_message(USER, message.message_id)
    before = time.time()
    with_bot(emu, token, send_and_delete)
    [item] = client.sent(USER)
    assert item["deleted"] and item["changed_at"] > item["sent_at"] >= before
    assert client.sent(USER, changed_since=item["changed_at"]) == []  # the page's next poll waits, not spins


def test_state_lists_button_presses(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Go", callback_data="go")]])

    async def send(bot: telegram.Bot) -> telegram.Message:
        return await bot.send_message(USER, "press", reply_markup=keyboard)
    message = with_bot(emu, token, send)
    assert client.state()["callback_queries"] == []
    query = client.press_button(USER, USER, message.message_id, "go")
    [listed] = client.state()["callback_queries"]
    assert listed["id"] == query["id"] and listed["data"] == "go"


def test_page_renders_voice_documents_edits_deletions_and_records_voice(emu: EmulatorThread, token: str,
                                                                         client: EmulatorClient) -> None:
    """The page in Debian's headless Chromium, with the test playing the bot and a fake microphone."""
    alice = 4101  # the page's first user
    with chromium(*FAKE_MICROPHONE) as browser:
        page = browser.new_page()
        page.goto(f"{emu.url}/?token={token}")
        page.fill("#text", "hi")
        page.click("button[type=submit]")
        page.locator(".msg.user").wait_for()

        async def reply(bot: telegram.Bot) -> None:
            first = await bot.send_message(alice, "first version")
            await bot.send_voice(alice, b"OggS-voice", duration=1)
            await bot.send_document(alice, b"hello", filename="notes.txt")
            doomed = await bot.send_message(alice, "to delete")
            await asyncio.sleep(0.3)  # the page shows them first, then sees them change
            await bot.edit_message_text("second version", alice, first.message_id)
            await bot.delete_message(alice, doomed.message_id)
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's event loop
            pool.submit(with_bot, emu, token, reply).result()
        page.locator(".msg.bot", has_text="second version").locator(".meta", has_text="edited").wait_for()
        page.locator(".msg.bot.deleted", has_text="to delete").wait_for()
        assert page.locator(".msg.bot audio.voice").count() == 1
        assert page.locator(".msg.bot a[download='notes.txt']").count() == 1

        page.click("#record")
        page.locator("#record.recording").wait_for()
        page.wait_for_timeout(1200)
        page.click("#record")
        page.locator(".msg.user audio.voice").wait_for()
    updates = with_bot(emu, token, lambda bot: bot.get_updates())  # the recording reached the bot
    [note] = [u.message.voice for u in updates if u.message and u.message.voice]
    assert note.to_dict()["duration"] >= 1 and note.file_size and note.mime_type.startswith(("audio/ogg", "audio/webm"))


def test_the_page_replies_to_and_forwards_the_bots_messages(emu: EmulatorThread, token: str) -> None:
    """Reply and Forward, as in a Telegram app: what reply-only commands (/translate, /classify…) need."""
    alice = 4101

    async def answer(bot: telegram.Bot) -> tuple[telegram.Message, telegram.Message]:
        return (await bot.send_message(alice, "Guten Morgen"),
                await bot.send_document(alice, b"a long text", filename="notes.txt"))
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{emu.url}/?token={token}")
        send(page, "hi")
        text, document = as_the_bot(emu, token, answer)

        page.locator(".msg.bot", has_text="Guten Morgen").locator("button.reply").click()
        assert "Guten Morgen" in page.locator("#replying").inner_text()
        send(page, "/translate english")
        page.locator(".msg.user", has_text="/translate english").locator(".quote", has_text="Guten Morgen").wait_for()
        assert page.locator("#replying").is_hidden()
        page.locator(".msg.bot", has_text="notes.txt").locator("button.forward").click()
        page.locator(".msg.user .forwarded", has_text="Forwarded from").wait_for()
        send(page, "no reply this time")
    messages = [u.message for u in with_bot(emu, token, lambda bot: bot.get_updates()) if u.message]
    replying, forwarded, plain = messages[1:]
    assert replying.text == "/translate english" and replying.reply_to_message.message_id == text.message_id
    assert forwarded.document.file_id == document.document.file_id and forwarded.from_user.id == alice
    assert forwarded.forward_origin.sender_user.is_bot
    assert plain.reply_to_message is None


def test_a_chosen_setting_stands_out_and_its_emoji_renders(emu: EmulatorThread, token: str, tmp_path: Path) -> None:
    """The tick of /settings' current value renders in colour (an emoji font is installed) and, since a browser
    may have none, its button is highlighted too."""
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("✅ English", callback_data="en"),
                                               telegram.InlineKeyboardButton("Deutsch", callback_data="de")]])
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{emu.url}/?token={token}")
        send(page, "/settings")
        as_the_bot(emu, token, lambda bot: bot.send_message(4101, "Your settings", reply_markup=keyboard))
        chosen, other = page.locator(".keyboard button", has_text="English"), page.locator(".keyboard button",
                                                                                           has_text="Deutsch")
        chosen.wait_for()
        page.screenshot(path=str(tmp_path / "settings.png"))  # kept with the test's files, to look at
        assert chosen.get_attribute("aria-pressed") == "true" and other.get_attribute("aria-pressed") == "false"
        chosen_png, other_png = Image.open(io.BytesIO(chosen.screenshot())), Image.open(io.BytesIO(other.screenshot()))
    background = [_most_common_colour(png) for png in (chosen_png, other_png)]
    assert _distance(*background) > 150, f"the chosen button looks like the others: {background}"
    green = sum(n for n, (r, g, b) in _colours(chosen_png) if g > r + 30 and g > b + 60)  # Noto's ✅: (124, 179, 66)
    assert green > 20, "the ✅ did not render in colour: install an emoji font (fonts-noto-color-emoji; .ci/run does)"


def as_the_bot(emu: EmulatorThread, token: str, scenario: Callable[[telegram.Bot], Awaitable[Any]]) -> Any:
    """with_bot from another thread: Playwright's sync API holds this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(with_bot, emu, token, scenario).result()


def _colours(image: Image.Image) -> list[tuple[int, tuple[int, int, int]]]:
    """(pixel count, colour) of every colour in the image."""
    return image.convert("RGB").getcolors(1 << 24) or []


def _most_common_colour(image: Image.Image) -> tuple[int, int, int]:
    return max(_colours(image))[1]


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
