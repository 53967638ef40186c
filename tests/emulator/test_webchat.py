"""What the emulator serves for the web chat, and the control API fields the page relies on."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files

import httpx
import pytest
import telegram

from emulator.client import EmulatorClient
from emulator.server import EmulatorThread
from pipegram import LOCAL_TOKEN
from tests.browser import FAKE_MICROPHONE, chromium
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
