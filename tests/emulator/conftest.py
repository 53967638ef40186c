"""An in-process emulator on a free port, plus helpers to drive it with a real PTB Bot."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import telegram

from emulator.client import EmulatorClient
from emulator.server import EmulatorThread

FIXED_TOKEN = "4242:fixed-token"
USER = 1001  # the control API's default user, whose private chat id is the same
_tokens = itertools.count(100)


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorThread]:
    """One emulator serving any well-formed token; tests isolate themselves by token."""
    with EmulatorThread() as server:
        yield server


@pytest.fixture(scope="session")
def fixed_emu() -> Iterator[EmulatorThread]:
    """An emulator that serves only FIXED_TOKEN."""
    with EmulatorThread(token=FIXED_TOKEN) as server:
        yield server


@pytest.fixture
def token() -> str:
    """A fresh bot token, so every test sees an empty bot."""
    number = next(_tokens)
    return f"{number}:test-token-{number}"


@pytest.fixture
def client(emu: EmulatorThread, token: str) -> Iterator[EmulatorClient]:
    """Control-API client for this test's bot."""
    with EmulatorClient(emu.url, token, timeout=15) as control:
        yield control


def make_bot(url: str, token: str) -> telegram.Bot:
    """A real PTB Bot pointed at the emulator the way Pipegram points it."""
    return telegram.Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")


def with_bot(emu: EmulatorThread, token: str, scenario: Callable[[telegram.Bot], Awaitable[Any]]) -> Any:
    """Run scenario(bot) on a fresh event loop with an initialized PTB Bot."""
    async def main() -> Any:
        async with make_bot(emu.url, token) as bot:
            return await scenario(bot)
    return asyncio.run(main())


def eventually(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Poll a condition that lives outside the emulator (so nothing can notify us)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
