"""What the emulator serves for the web chat, and the control API fields the page relies on."""

from __future__ import annotations

import time
from importlib.resources import files

import httpx
import pytest
import telegram

from emulator.client import EmulatorClient
from emulator.server import EmulatorThread
from pipegram import LOCAL_TOKEN
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
