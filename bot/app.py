"""Builds the bot's Application and runs it by long polling, or by webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import (
    access,
    admin,
    documents,
    handlers,
    metrics,
    quotas,
    settings_menu,
    speech,
    text_tools,
    texts,
    updates,
    vision,
)
from shared import i18n, store
from shared.settings import Settings, get_settings
from shared.telegram import configure_logging

log = logging.getLogger(__name__)

RECORDINGS = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE | filters.Document.AUDIO | filters.Document.VIDEO
# Files the text commands read (anything but images and recordings, which have skills of their own).
DOCUMENTS = filters.Document.ALL & ~filters.Document.IMAGE & ~filters.Document.AUDIO & ~filters.Document.VIDEO


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
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, ignore_edit), group=-2)
    application.add_handler(TypeHandler(Update, handlers.refuse_strangers), group=-1)
    application.add_handlers([
        CommandHandler("start", handlers.start),
        CommandHandler("help", handlers.help_command),
        CommandHandler("reset", handlers.reset),
        CommandHandler("cancel", handlers.cancel),
        CommandHandler("status", handlers.status),
        CommandHandler("usage", quotas.usage),
        CommandHandler("stats", admin.stats),
        CommandHandler("allow", admin.allow),
        CommandHandler("deny", admin.deny),
        CommandHandler("translate", text_tools.translate),
        CommandHandler("language", text_tools.language),
        CommandHandler("summarize", text_tools.summarize),
        CommandHandler("similar", text_tools.similar),
        CommandHandler("find", text_tools.find),
        CommandHandler(["segment", "caption"], vision.command),
        CommandHandler("ask", documents.ask),
        MessageHandler((filters.PHOTO | filters.Document.IMAGE) & filters.UpdateType.MESSAGE, vision.photo),
        MessageHandler(DOCUMENTS & filters.CaptionRegex(documents.CAPTION_COMMAND) & filters.UpdateType.MESSAGE,
                       documents.caption),
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(vision.CAPTION_COMMAND) & filters.UpdateType.MESSAGE,
                       vision.not_an_image),
        CommandHandler("say", speech.say, filters.UpdateType.MESSAGE),
        CommandHandler(list(speech.SUBTITLE_KINDS), speech.subtitles, filters.UpdateType.MESSAGE),
        CommandHandler("transcribe", speech.transcribe, filters.UpdateType.MESSAGE),
        CommandHandler("classify", speech.classify, filters.UpdateType.MESSAGE),
        CommandHandler("voice", speech.voice_mode),
        CommandHandler("speechlang", speech.speech_language),
        CommandHandler("settings", settings_menu.settings),
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


async def ignore_edit(update: Update, context: object) -> None:
    """Edits are ignored by design: CommandHandler takes edited messages too, and would run a command twice."""
    raise ApplicationHandlerStop


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
