"""Change notification for waiters, and pushing updates to webhook URLs."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import Callable

import aiohttp

from emulator.state import Registry

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 5.0


class Notifier:
    """Wakes coroutines waiting for a bot's state to change; one per token."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def touch(self) -> None:
        """Wake current waiters; later waiters get a fresh event."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until predicate holds or timeout passes; re-checked on every change."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            event = self._event  # taken before awaiting, so no change can slip between check and wait
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


class WebhookDelivery:
    """One sender task per bot with a webhook: in order, retried with capped backoff, never dropped."""

    def __init__(self, registry: Registry, notifiers: defaultdict[str, Notifier]) -> None:
        self.registry, self.notifiers = registry, notifiers
        self.tasks: dict[str, asyncio.Task] = {}
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the HTTP client; call inside the running loop."""
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Stop every sender and the HTTP client."""
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        if self.session is not None:
            await self.session.close()

    def ensure(self, token: str) -> None:
        """Make sure a sender runs for token; it exits by itself once the webhook is gone."""
        task = self.tasks.get(token)
        if task is None or task.done():
            self.tasks[token] = asyncio.create_task(self._run(token))

    async def _post(self, webhook: dict, update: dict) -> str | None:
        """POST one update; return an error description, or None on a 2xx answer."""
        assert self.session is not None, "start() first"
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        try:
            async with self.session.post(webhook["url"], data=json.dumps(update), headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=10)) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection error: {type(exc).__name__}"

    async def _idle(self, token: str, url: str) -> None:
        def wake() -> bool:
            current = self.registry.bots.get(token)
            return current is None or current.webhook.get("url") != url or bool(current.updates)
        await self.notifiers[token].wait_until(wake, None)

    async def _run(self, token: str) -> None:
        backoff = FIRST_BACKOFF
        while (bot := self.registry.bots.get(token)) is not None and (webhook := dict(bot.webhook)).get("url"):
            if not bot.updates:
                await self._idle(token, webhook["url"])
                continue
            update = bot.updates[0]
            error = await self._post(webhook, update)
            bot = self.registry.bots.get(token)  # a reset may have replaced the state meanwhile
            if bot is None:
                return
            if error is None:
                bot.updates = [u for u in bot.updates if u["update_id"] != update["update_id"]]
                bot.confirmed_offset = max(bot.confirmed_offset, update["update_id"] + 1)
                bot.changed()
                backoff = FIRST_BACKOFF
                continue
            bot.webhook.update(last_error_date=int(time.time()), last_error_message=error)
            await asyncio.sleep(backoff)  # deliberate retry delay, not a polling loop
            backoff = min(backoff * 2, MAX_BACKOFF)
