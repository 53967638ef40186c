"""Taking updates from Telegram so that none is confirmed before its job is stored in Redis.

PTB's own Updater confirms an update (by asking for the next offset) as soon as it has fetched it; if Redis
is down at that moment the message is lost. Here an update is confirmed only after its handlers ran and
enqueued: by polling with the next offset, or by answering the webhook with 200 (anything else makes
Telegram deliver it again).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from collections.abc import Coroutine
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot import metrics, pastes
from shared.settings import Settings

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 30
MAX_BACKOFF_S = 10.0
UNQUEUED = "unqueued_updates"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class NotQueued(Exception):
    """A job could not be stored; the update that asked for it must stay unconfirmed."""


def mark_unqueued(bot_data: dict, update_id: int) -> None:
    """Called from the error handler when a handler raised NotQueued."""
    bot_data.setdefault(UNQUEUED, set()).add(update_id)


async def handle(application: Application, update: Update) -> bool:
    """Run the update's handlers; False if one of them could not enqueue its job."""
    metrics.UPDATES.inc()
    await application.process_update(update)
    unqueued: set[int] = application.bot_data.setdefault(UNQUEUED, set())
    if update.update_id in unqueued:
        unqueued.discard(update.update_id)
        return False
    return True


async def poll(application: Application, stop: asyncio.Event) -> None:
    """Long-poll getUpdates; advance the offset only past updates whose jobs are stored."""
    await application.bot.delete_webhook()
    offset: int | None = None
    waited_for: int | None = None
    backoff = 0.0
    liveness: metrics.Liveness = application.bot_data.setdefault("liveness", metrics.Liveness())
    while not stop.is_set():
        liveness.beat()
        if backoff:
            await _sleep_unless_stopped(stop, backoff)
        try:
            # Raw JSON, so one update PTB cannot parse does not block all the others.
            query = {"timeout": POLL_TIMEOUT_S, "allowed_updates": Update.ALL_TYPES}
            raw = await _unless_stopped(stop, application.bot.do_api_request(
                "getUpdates", query if offset is None else {**query, "offset": offset},
                read_timeout=POLL_TIMEOUT_S + 10))
        except TelegramError as exc:
            metrics.telegram_error(exc)
            backoff = _next_backoff(backoff)
            log.warning("getUpdates failed (%s); retrying in %.1f s", exc, backoff)
            continue
        backoff = 0.0
        updates, offset = parse_updates(raw, application, offset)
        if updates and pastes.is_paste_piece(updates[-1]) and updates[-1].update_id != waited_for:
            # The rest of a long paste may still be on its way: give it a moment once, then fetch again.
            waited_for = updates[-1].update_id
            await _sleep_unless_stopped(stop, pastes.PASTE_WAIT_S)
            continue
        for update in pastes.merge_pastes(list(updates), application.bot):
            if not await handle(application, update):
                backoff = _next_backoff(backoff)
                log.warning("update %s not queued; Telegram keeps it, retrying in %.1f s", update.update_id, backoff)
                break
            offset = update.update_id + 1


async def serve_webhook(application: Application, settings: Settings, stop: asyncio.Event) -> None:
    """Receive updates on WEBHOOK_URL; answer 503 until an update's job is stored.

    Only Telegram knows the secret (WEBHOOK_SECRET, or one made for this run and given to setWebhook), so a forged
    POST, which could claim any user and any chat, is refused.
    """
    secret = webhook_secret(settings)
    path = "/" + settings.webhook_url.split("://", 1)[-1].partition("/")[2] if settings.webhook_url else "/"

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret.encode()):
            metrics.REFUSED.labels("webhook_secret").inc()
            log.warning("refused a webhook POST without the secret header (from %s)", request.remote)
            return web.Response(status=403)
        update = Update.de_json(await request.json(), application.bot)
        return web.Response(status=200 if await handle(application, update) else 503)

    app = web.Application()
    app.router.add_post(path, receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
    try:
        await application.bot.set_webhook(settings.webhook_url or "", secret_token=secret,
                                          allowed_updates=Update.ALL_TYPES)
        application.bot_data.setdefault("liveness", metrics.Liveness()).webhook = True
        log.info("receiving updates by webhook on port %d", settings.webhook_port)
        await stop.wait()
    except TelegramError as exc:
        metrics.telegram_error(exc)
        log.exception("could not set the webhook")
        raise
    finally:
        await runner.cleanup()


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a new random one: Telegram sends it back in a header with every update."""
    if settings.webhook_secret:
        return settings.webhook_secret.get_secret_value()
    return secrets.token_urlsafe(32)  # 43 of the 1-256 characters A-Z a-z 0-9 _ - that setWebhook allows


def parse_updates(raw: list[dict], application: Application, offset: int | None) -> tuple[list[Update], int | None]:
    """Updates PTB can read; one it cannot (a newer Bot API, a broken server) is logged and skipped."""
    updates = []
    for data in raw:
        try:
            updates.append(Update.de_json(data, application.bot))
        except Exception:
            log.exception("skipping update %s that could not be read", data.get("update_id"))
            if updates:
                break  # confirm the good ones first; the bad one is skipped on the next round
            offset = int(data["update_id"]) + 1
    return updates, offset


async def _unless_stopped(stop: asyncio.Event, call: Coroutine[Any, Any, Any]) -> Any:
    """The long poll's result, or nothing if we are asked to stop first (the poll is cancelled)."""
    poll_task = asyncio.ensure_future(call)
    stop_task = asyncio.ensure_future(stop.wait())
    await asyncio.wait({poll_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
    stop_task.cancel()
    if not poll_task.done():
        poll_task.cancel()
        return []
    return poll_task.result()


def _next_backoff(current: float) -> float:
    return min(MAX_BACKOFF_S, max(0.5, current * 2))


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
