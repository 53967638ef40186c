"""Builds the bot's Application and runs it by long polling, or by webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot import access, admin, handlers, metrics, quotas, settings_menu, speech, text_tools, texts, updates, vision
from shared import i18n, store
from shared.settings import Settings, get_settings
from shared.telegram import configure_logging

log = logging.getLogger(__name__)

RECORDINGS = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE | filters.Document.AUDIO | filters.Document.VIDEO


def command(names: str | list[str], callback: Any) -> CommandHandler:
    """A command from a new message only: PTB's CommandHandler also takes edited messages, which would run a
    command again (a second /translate job) though edits are ignored by design."""
    return CommandHandler(names, callback, filters.UpdateType.MESSAGE)


def build_application(settings: Settings) -> Application:
    """The Application with every handler, in one readable list."""
    api = settings.telegram_api_url
    # No PTB Updater: bot.updates confirms an update only once its job is stored.
    application = (
        Application.builder()
        .token(settings.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .updater(None)
        .build()
    )
    application.bot_data["settings"] = settings
    application.add_handler(TypeHandler(Update, handlers.refuse_strangers), group=-1)
    application.add_handlers([
        command("start", handlers.start),
        command("help", handlers.help_command),
        command("reset", handlers.reset),
        command("cancel", handlers.cancel),
        command("status", handlers.status),
        command("usage", quotas.usage),
        command("stats", admin.stats),
        command("allow", admin.allow),
        command("deny", admin.deny),
        command("translate", text_tools.translate),
        command("language", text_tools.language),
        command("summarize", text_tools.summarize),
        command("similar", text_tools.similar),
        command("find", text_tools.find),
        command(["segment", "caption", "ask"], vision.command),
        MessageHandler((filters.PHOTO | filters.Document.IMAGE) & filters.UpdateType.MESSAGE, vision.photo),
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(vision.CAPTION_COMMAND) & filters.UpdateType.MESSAGE,
                       vision.not_an_image),
        command("say", speech.say),
        command(list(speech.SUBTITLE_KINDS), speech.subtitles),
        command("transcribe", speech.transcribe),
        command("classify", speech.classify),
        command("voice", speech.voice_mode),
        command("speechlang", speech.speech_language),
        command("settings", settings_menu.settings),
        CallbackQueryHandler(settings_menu.pressed, pattern=settings_menu.PATTERN),
        MessageHandler(RECORDINGS & filters.UpdateType.MESSAGE, speech.recording),
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, handlers.chat),
        # Last: anything no skill above took. Edited messages are ignored by design.
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, handlers.unknown_command),
        MessageHandler(filters.UpdateType.MESSAGE, handlers.unsupported),
        CallbackQueryHandler(settings_menu.stale),  # a button no handler above took
    ])
    application.add_error_handler(handlers.on_error)
    return application


async def serve(application: Application, settings: Settings) -> None:
    """Run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    liveness = application.bot_data["liveness"] = metrics.Liveness()
    probe = None
    if settings.pipegram_metrics_port:
        probe = await metrics.serve(settings.pipegram_metrics_listen, settings.pipegram_metrics_port,
                                    settings.redis_url, liveness)
    async with application:
        application.bot_data["redis"] = store.connect_async(settings.redis_url)
        await access.seed(application.bot_data["redis"], settings)
        await set_commands(application, settings)
        await application.start()
        log.info("bot @%s is up", application.bot.username)
        try:
            if settings.webhook_url:
                await updates.serve_webhook(application, settings, stop)
            else:
                await updates.poll(application, stop)
        finally:
            await application.stop()
            await application.bot_data["redis"].aclose()
            if probe is not None:
                await probe.cleanup()


async def set_commands(application: Application, settings: Settings) -> None:
    """The command menu in English and in every language with a catalog (German, Chinese...), for apps set to it;
    admins' private chats also list /stats, /allow and /deny."""
    bot = application.bot
    catalogs = {None if code == i18n.DEFAULT else code: words for code, words in i18n.catalogs(texts.__name__).items()}
    for language, words in catalogs.items():
        await bot.set_my_commands([BotCommand(*pair) for pair in words.COMMANDS], language_code=language)
    for admin_id in settings.admin_users:
        try:  # Telegram refuses a chat scope until the admin has started a chat with the bot
            for language, words in catalogs.items():
                await bot.set_my_commands([BotCommand(*pair) for pair in [*words.COMMANDS, *words.ADMIN_COMMANDS]],
                                          scope=BotCommandScopeChat(admin_id), language_code=language)
        except TelegramError as exc:
            log.warning("no admin commands in the menu of admin %s: %s", admin_id, exc)


def main() -> None:
    """Run the bot until interrupted."""
    settings = get_settings()
    configure_logging(settings)
    asyncio.run(serve(build_application(settings), settings))
