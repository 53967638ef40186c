"""Bot handlers: read the update, build a job, enqueue it, acknowledge."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import limits, texts
from bot.recent import keep_message
from bot.updates import NotQueued, mark_unqueued
from shared.celery_app import enqueue
from shared.jobs import Job
from shared.keys import history_key, message_vectors_key, recent_messages_key
from shared.settings import Settings

log = logging.getLogger(__name__)

# A forwarded text at least this long is summarised instead of chatted about.
FORWARD_SUMMARY_CHARS = 1000


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def refuse_strangers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from users outside ALLOWED_USERS before anything is enqueued; tell them once."""
    user = update.effective_user
    if settings_of(context).user_allowed(user.id if user else None):
        return
    refused: set[int] = context.bot_data.setdefault("refused", set())
    if user and update.effective_message and user.id not in refused:
        refused.add(user.id)
        await update.effective_message.reply_text(texts.NOT_ALLOWED.format(user_id=user.id))
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user."""
    name = update.effective_user.first_name if update.effective_user else "there"
    await update.effective_message.reply_text(texts.WELCOME.format(name=name))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what the bot can do."""
    await update.effective_message.reply_text(texts.HELP)


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget this chat's conversation and the messages kept for /find."""
    chat_id = update.effective_chat.id
    await context.bot_data["redis"].delete(history_key(chat_id), recent_messages_key(chat_id),
                                           message_vectors_key(chat_id))
    await update.effective_message.reply_text(texts.RESET_DONE)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel the user's jobs that have not started yet."""
    count = await limits.cancel_waiting(context.bot_data["redis"], update.effective_user.id)
    await update.effective_message.reply_text(texts.CANCELLED.format(count=count) if count else texts.NOTHING_TO_CANCEL)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point the user to /help."""
    command = (update.effective_message.text or "/").split()[0].split("@")[0]
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND.format(command=command))


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say plainly which kind of message the bot cannot handle."""
    message = update.effective_message
    if message.document and (message.document.mime_type or "").startswith("text/"):
        await message.reply_text(texts.TEXT_FILE_HINT)
        return
    what = next((name for attr, name in texts.MESSAGE_KINDS if getattr(message, attr, None)), "this kind of message")
    await message.reply_text(texts.UNSUPPORTED.format(what=what))


async def chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a text message for /find; queue it for the chat skill, or for a summary if it is a long forward."""
    message = update.effective_message
    text = message.text or ""
    await keep_message(context.bot_data["redis"], message.chat_id, message.message_id, text, settings_of(context))
    if message.forward_origin and len(text) >= FORWARD_SUMMARY_CHARS:
        await submit(update, context, "summarize", text)
    else:
        await submit(update, context, "chat", text)


async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE, skill: str, text: str = "", *,
                 file_id: str | None = None, options: dict[str, Any] | None = None,
                 action: str = ChatAction.TYPING) -> None:
    """Build a job from the update, enqueue it and show that work has started."""
    message, user = update.effective_message, update.effective_user
    r = context.bot_data["redis"]
    refused = await limits.refusal(r, user.id, settings_of(context))
    if refused is not None:
        if refused:
            await message.reply_text(refused, do_quote=True)
        return
    job = Job(skill=skill, chat_id=message.chat_id, user_id=user.id if user else 0,
              message_id=message.message_id, text=text, file_id=file_id, options=options or {},
              language=(user and user.language_code) or "en")
    try:
        await asyncio.to_thread(enqueue, job)
    except Exception as exc:
        raise NotQueued(f"job {job.job_id} for chat {job.chat_id}: {exc}") from exc
    await limits.track_waiting(r, user.id, job.job_id)
    log.info("queued job %s skill=%s chat=%s", job.job_id, skill, job.chat_id)
    await context.bot.send_chat_action(message.chat_id, action)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave updates whose job was not stored unconfirmed, so they come again; log anything else."""
    if isinstance(context.error, NotQueued) and isinstance(update, Update):
        log.warning("not queued: %s", context.error)
        mark_unqueued(context.bot_data, update.update_id)
        return
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
