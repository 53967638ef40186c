"""aiohttp app serving the Bot API, file downloads and the control API of the emulator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from urllib.parse import unquote

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from emulator import LOCAL_TOKEN, botapi, control, media
from emulator.state import (
    BotState,
    Registry,
    StoredFile,
    call_items,
    draft_items,
    record_call,
    sent_items,
    set_failure,
    summary,
    take_failure,
)
from emulator.validate import ApiError, param_int
from emulator.webhook import Notifier, WebhookDelivery

log = logging.getLogger("emulator")
REGISTRY = web.AppKey("registry", Registry)
NOTIFIERS = web.AppKey("notifiers", dict)
DELIVERY = web.AppKey("delivery", WebhookDelivery)
POLLERS = web.AppKey("pollers", dict)
MAX_BODY = media.LOCAL_LIMIT + media.MB  # users may send 2,000 MB; our own limits answer first, in Telegram's words
MAX_WAIT = 300.0
WEB_DIR = Path(__file__).parent / "web"
_TOKEN_IN_PATH = re.compile(r"bot[0-9]+(?::|%3A)[^/]+", re.IGNORECASE)
# Local mode's file paths hold the token again, as a folder: /file/bot<token>//var/lib/telegram-bot-api/<token>/...
_BARE_TOKEN = re.compile(r"(?<=/)[0-9]+(?::|%3A)[^/]+")


def redact(path: str) -> str:
    """A request path safe to log."""
    return _BARE_TOKEN.sub("<token>", _TOKEN_IN_PATH.sub("bot<token>", path))


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)


def _file_response(stored: StoredFile) -> web.Response:
    # A header, not content_type=, because user-given types may carry parameters aiohttp rejects there.
    return web.Response(body=stored.data, headers={"Content-Type": stored.mime_type})


def _token(request: web.Request) -> str:
    return unquote(request.match_info["token"])


async def _read_params(request: web.Request) -> tuple[dict, dict]:
    """Query string plus JSON, urlencoded or multipart body; file parts are returned apart."""
    params: dict = dict(request.query)
    files: dict = {}
    if request.method != "POST" or not request.body_exists:
        return params, files
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON body") from None
        params.update(body if isinstance(body, dict) else {})
        return params, files
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[name] = media.Upload(value.file.read(), value.filename, value.content_type)
        else:
            params[name] = value
    return params, files


@web.middleware
async def _errors(request: web.Request, handler: Callable) -> web.StreamResponse:
    """Every failure becomes a Telegram-shaped JSON error; nothing logs the token."""
    try:
        return await handler(request)
    except ApiError as exc:
        return _error(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        description = "Request Entity Too Large" if exc.status == 413 else exc.reason
        return _error(ApiError(exc.status, description))
    except Exception:
        log.exception("emulator error on %s %s", request.method, redact(request.path))
        return _error(ApiError(500, "Internal Server Error"))


# ---------------------------------------------------------------- Bot API

async def bot_api(request: web.Request) -> web.Response:
    """POST/GET /bot<token>/<method>."""
    registry, token = request.app[REGISTRY], _token(request)
    bot = registry.bot(token)
    entry = botapi.METHODS.get(request.match_info["method"].lower())
    if entry is None:
        log.warning("unknown Bot API method %r answered 404", request.match_info["method"][:64])
        raise ApiError(404, "Not Found")
    name, handler = entry
    params, files = await _read_params(request)
    logged = {**params, **{key: upload.describe() for key, upload in files.items()}}
    # A long poll is recorded on arrival, not after being held for up to 30 s: that the bot polls is known now.
    polled = record_call(bot, name, logged) if name == "getUpdates" else None
    try:
        failure = take_failure(bot, name, params)
        if failure:
            raise failure
        result = await _long_poll(request.app, token, params) if polled else handler(bot, params, files)
    except ApiError as exc:
        if polled:
            polled.ok, polled.error_code, polled.description = False, exc.code, exc.description
            bot.changed()
        else:
            record_call(registry.bot(token), name, logged, exc)
        raise
    if not polled:
        record_call(registry.bot(token), name, logged)
    if name == "setWebhook":
        request.app[DELIVERY].ensure(token)
    return _ok(result)


async def _long_poll(app: web.Application, token: str, params: dict) -> list:
    """getUpdates that holds the request until an update arrives or timeout passes."""
    registry, notifier = app[REGISTRY], app[NOTIFIERS][token]
    result = botapi.get_updates(registry.bot(token), params, {})
    try:
        timeout = min(float(params.get("timeout") or 0), MAX_WAIT)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: invalid timeout specified") from None
    if result or timeout <= 0:
        return result
    # Like Telegram, a newer getUpdates ends an older one held for the same bot with 409.
    generation = app[POLLERS][token] = app[POLLERS].get(token, 0) + 1
    notifier.touch()

    def ready() -> bool:
        bot = registry.bot(token)
        return bool(bot.updates) or bool(bot.webhook.get("url")) or app[POLLERS][token] != generation
    await notifier.wait_until(ready, timeout)
    if app[POLLERS][token] != generation:
        raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                            "make sure that only one bot instance is running")
    return botapi.get_updates(registry.bot(token), params, {})


async def download(request: web.Request) -> web.StreamResponse:
    """GET /file/bot<token>/<file_path>, as PTB's File.download_* does."""
    bot = request.app[REGISTRY].bot(_token(request))
    path = unquote(request.match_info["path"])
    for stored in bot.files.values():
        if stored.file_path == path:
            record_call(bot, "downloadFile", {"file_id": stored.file_id})  # so tests see who read files over HTTP
            return _file_response(stored)
    raise ApiError(404, "Not Found")


# ---------------------------------------------------------------- control API

def _control_bot(request: web.Request) -> BotState:
    return request.app[REGISTRY].bot(_token(request))


async def _json_body(request: web.Request) -> dict:
    params, _ = await _read_params(request)
    return params


async def control_messages(request: web.Request) -> web.Response:
    """A user sends text (JSON) or a file (multipart with a `file` part)."""
    bot = _control_bot(request)
    fields, files = await _read_params(request)
    return _ok(control.user_message(bot, fields, files.get("file")))


async def control_edits(request: web.Request) -> web.Response:
    """A user edits a message."""
    return _ok(control.user_edit(_control_bot(request), await _json_body(request)))


async def control_callbacks(request: web.Request) -> web.Response:
    """A user presses an inline button."""
    return _ok(control.press_button(_control_bot(request), await _json_body(request)))


async def _held(request: web.Request, collect: Callable[[], list]) -> list:
    """collect() once it has min_count items or `wait` seconds pass; cheap, as it reruns on every change."""
    query = request.query
    try:
        wait = min(float(query.get("wait") or 0), MAX_WAIT)
        min_count = int(query.get("min_count") or 0)
    except ValueError:
        raise ApiError(400, "Bad Request: wait and min_count must be numbers") from None
    if wait > 0:
        min_count = max(min_count, 1)  # a bare wait means "until something matches"
        notifier = request.app[NOTIFIERS][_token(request)]
        await notifier.wait_until(lambda: len(collect()) >= min_count, wait)
    return collect()


def _query_num(request: web.Request, name: str, kind: type) -> int | float | None:
    value = request.query.get(name)
    try:
        return None if value in (None, "") else kind(value)
    except ValueError:
        raise ApiError(400, f"Bad Request: {name} must be a number") from None


async def control_sent(request: web.Request) -> web.Response:
    """Messages the bot sent, optionally waiting for them."""
    registry, token = request.app[REGISTRY], _token(request)
    registry.bot(token)
    chat_id, after = _query_num(request, "chat_id", int), _query_num(request, "after", int)
    since = _query_num(request, "changed_since", float)
    records = await _held(request, lambda: sent_items(registry.bot(token), chat_id, after, since))
    return _ok([record.as_dict() for record in records])


async def control_drafts(request: web.Request) -> web.Response:
    """The chat's draft (what a streaming answer shows before its message), optionally waiting for a change."""
    registry, token = request.app[REGISTRY], _token(request)
    registry.bot(token)
    chat_id, since = _query_num(request, "chat_id", int), _query_num(request, "changed_since", float)
    return _ok(await _held(request, lambda: draft_items(registry.bot(token), chat_id, since)))


async def control_calls(request: web.Request) -> web.Response:
    """Bot API calls the bot made, optionally waiting for them."""
    registry, token = request.app[REGISTRY], _token(request)
    registry.bot(token)
    method, since = request.query.get("method") or None, _query_num(request, "since", float)
    records = await _held(request, lambda: call_items(registry.bot(token), method, since))
    return _ok([asdict(record) for record in records])


async def control_failures(request: web.Request) -> web.Response:
    """Make the next calls of a method fail."""
    bot, body = _control_bot(request), await _json_body(request)
    if not body.get("method"):
        raise ApiError(400, "Bad Request: method is required")
    set_failure(bot, str(body["method"]), param_int(body, "count", 1), param_int(body, "error_code", 429),
                param_int(body, "retry_after", 1), body.get("description"), param_int(body, "chat_id"),
                param_int(body, "after", 0))
    return _ok(True)


async def control_file(request: web.Request) -> web.Response:
    """Raw bytes of a stored file."""
    bot = _control_bot(request)
    stored = bot.files.get(request.match_info["file_id"])
    if stored is None:
        raise ApiError(404, "Not Found: file not found")
    return _file_response(stored)


async def control_state(request: web.Request) -> web.Response:
    """Summary of one bot's state."""
    return _ok(summary(_control_bot(request)))


async def control_reset(request: web.Request) -> web.Response:
    """Forget everything about one bot."""
    request.app[REGISTRY].reset(_token(request))
    return _ok(True)


async def web_chat(request: web.Request) -> web.Response:
    """The web chat page. It talks to the bot of ?token=, else to `pipegram up`'s public local token;
    the page is never told any other token."""
    page = (WEB_DIR / "index.html").read_text().replace("{{default_token}}", LOCAL_TOKEN)
    return web.Response(text=page, content_type="text/html")


async def healthz(request: web.Request) -> web.Response:
    """Liveness probe."""
    return web.json_response({"ok": True})


def build_app(token: str | None = None, local: bool = False, files_dir: Path | None = None) -> web.Application:
    """The emulator app; with token, only that bot token is served. `local` plays a telegram-bot-api server run
    with --local (files up to 2,000 MB, absolute file paths), keeping its files in files_dir if given."""
    app = web.Application(middlewares=[_errors], client_max_size=MAX_BODY)
    registry = Registry(token, local, files_dir)
    notifiers: defaultdict[str, Notifier] = defaultdict(Notifier)
    registry.on_change = lambda changed: notifiers[changed].touch()
    app[REGISTRY], app[NOTIFIERS], app[POLLERS] = registry, notifiers, {}
    app[DELIVERY] = WebhookDelivery(registry, notifiers)
    app.on_startup.append(lambda app: app[DELIVERY].start())
    app.on_cleanup.append(lambda app: app[DELIVERY].close())
    control_routes = [
        ("POST", "messages", control_messages), ("POST", "edits", control_edits),
        ("POST", "callbacks", control_callbacks), ("GET", "sent", control_sent), ("GET", "calls", control_calls),
        ("GET", "drafts", control_drafts),
        ("POST", "failures", control_failures), ("GET", "files/{file_id}", control_file),
        ("GET", "state", control_state), ("POST", "reset", control_reset),
    ]
    for verb, path, handler in control_routes:
        app.router.add_route(verb, f"/control/bot{{token}}/{path}", handler)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", web_chat)
    app.router.add_static("/web/", WEB_DIR)
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    return app


class _RedactingAccessLogger(AbstractAccessLogger):
    """Access log without bot tokens."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, redact(request.path), response.status, time)


def run_emulator(host: str = "127.0.0.1", port: int = 8081, token: str | None = None, local: bool = False,
                 files_dir: Path | None = None) -> None:
    """Serve until SIGINT/SIGTERM."""
    if not logging.getLogger().handlers:  # run as a program: the conversation and the (redacted) access log
        from shared.settings import get_settings
        from shared.telegram import configure_logging

        configure_logging(get_settings())
    web.run_app(build_app(token, local, files_dir), host=host, port=port, access_log_class=_RedactingAccessLogger,
                shutdown_timeout=2, print=log.info)


class EmulatorThread:
    """The emulator on a background event loop: `with EmulatorThread() as emu: emu.url`."""

    def __init__(self, token: str | None = None, host: str = "127.0.0.1", port: int = 0, local: bool = False,
                 files_dir: Path | None = None) -> None:
        self.token, self.host, self.port, self.url = token, host, port, ""
        self.local, self.files_dir = local, files_dir
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="emulator", daemon=True)

    def start(self) -> str:
        """Start serving; return the base URL."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self.url

    async def _start(self) -> None:
        self._runner = web.AppRunner(build_app(self.token, self.local, self.files_dir), access_log=None,
                                     shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    def __enter__(self) -> EmulatorThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """`python -m emulator.server`; the token, if any, comes from EMULATOR_TOKEN, never argv."""
    parser = argparse.ArgumentParser(description="Pipegram Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--local", action="store_true", help="play a telegram-bot-api server run with --local")
    parser.add_argument("--files-dir", type=Path, help="local mode: keep files in this folder (a shared volume)")
    args = parser.parse_args()
    run_emulator(args.host, args.port, os.environ.get("EMULATOR_TOKEN") or None, args.local, args.files_dir)


if __name__ == "__main__":
    main()
