"""Builds the bot's Application and runs it by long polling, or by webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import redis.asyncio as aioredis
from telegram import BotCommand, Update
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from bot import handlers, text_tools, texts
from shared.settings import Settings, get_settings
from shared.telegram import configure_logging

log = logging.getLogger(__name__)


async def _post_init(application: Application) -> None:
    application.bot_data["redis"] = aioredis.Redis.from_url(application.bot_data["settings"].redis_url)
    await application.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMANDS])
    log.info("bot @%s is up", application.bot.username)


async def _post_shutdown(application: Application) -> None:
    await application.bot_data["redis"].aclose()


def build_application(settings: Settings) -> Application:
    """The Application with every handler, in one readable list."""
    api = settings.telegram_api_url
    application = (
        Application.builder()
        .token(settings.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    application.add_handler(TypeHandler(Update, handlers.refuse_strangers), group=-1)
    application.add_handlers([
        CommandHandler("start", handlers.start),
        CommandHandler("help", handlers.help_command),
        CommandHandler("reset", handlers.reset),
        CommandHandler("translate", text_tools.translate),
        CommandHandler("language", text_tools.language),
        CommandHandler("summarize", text_tools.summarize),
        CommandHandler("similar", text_tools.similar),
        CommandHandler("find", text_tools.find),
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, handlers.chat),
    ])
    return application


def main() -> None:
    """Run the bot until interrupted."""
    settings = get_settings()
    configure_logging(settings)
    application = build_application(settings)
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                                webhook_url=settings.webhook_url, secret_token=secret,
                                allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
