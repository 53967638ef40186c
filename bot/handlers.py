"""Bot handlers: read the update, build a job, enqueue it, acknowledge."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import access, limits, metrics, quotas, texts, waiting
from bot.preferences import answer_length, summary_length
from bot.recent import keep_message
from bot.updates import NotQueued, mark_unqueued
from shared import store
from shared.celery_app import enqueue
from shared.documents import document_kind
from shared.jobs import Job
from shared.keys import history_key, message_vectors_key, recent_messages_key, waiting_key
from shared.settings import Settings
from shared.status import read_status, render_status
from shared.telegram import job_fields

log = logging.getLogger(__name__)

GROUP_TYPES: tuple[str, ...] = (ChatType.GROUP, ChatType.SUPERGROUP)

# A forwarded text at least this long is summarised instead of chatted about.
FORWARD_SUMMARY_CHARS = 1000


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def refuse_strangers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from users the access list keeps out (bot/access.py), or groups outside ALLOWED_GROUPS, before
    anything is enqueued; tell each once."""
    user, chat, settings = update.effective_user, update.effective_chat, settings_of(context)
    if chat and chat.type in GROUP_TYPES and not settings.group_allowed(chat.id):
        metrics.REFUSED.labels("group_not_allowed").inc()
        await tell_once(update, context, chat.id, texts.get(update).GROUP_NOT_ALLOWED.format(chat_id=chat.id))
    elif not await access.lets_in(update, context):
        metrics.REFUSED.labels("user_not_allowed").inc()
        await tell_once(update, context, user.id if user else 0,
                        texts.get(update).NOT_ALLOWED.format(user_id=user and user.id))
    else:
        return
    raise ApplicationHandlerStop


async def tell_once(update: Update, context: ContextTypes.DEFAULT_TYPE, who: int, text: str) -> None:
    refused: set[int] = context.bot_data.setdefault("refused", set())
    if update.effective_message and who not in refused:
        refused.add(who)
        await update.effective_message.reply_text(text)


def addressed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The message's text if it is meant for the bot (always in private; in groups only when it mentions
    or replies to the bot, with the mention taken out), else None."""
    message, bot = update.effective_message, context.bot
    text = message.text or message.caption or ""
    if message.chat.type not in GROUP_TYPES:
        return text
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot.id:
        return text
    mention = f"@{bot.username}"
    if mention.casefold() in text.casefold():
        return " ".join(word for word in text.split() if word.casefold() != mention.casefold())
    return None


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user."""
    name = update.effective_user.first_name if update.effective_user else "there"
    await update.effective_message.reply_text(texts.get(update).WELCOME.format(name=name))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what the bot can do (and, to admins, their commands)."""
    words, user = texts.get(update), update.effective_user
    admin = settings_of(context).is_admin(user.id if user else None)
    await update.effective_message.reply_text(words.HELP + (words.ADMIN_HELP if admin else ""))


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget this chat's conversation and the messages kept for /find."""
    chat_id = update.effective_chat.id
    await context.bot_data["redis"].delete(history_key(chat_id), recent_messages_key(chat_id),
                                           message_vectors_key(chat_id))
    await update.effective_message.reply_text(texts.get(update).RESET_DONE)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel the user's jobs that have not started yet."""
    count, words = await limits.cancel_waiting(context.bot_data["redis"], update.effective_user.id), texts.get(update)
    await update.effective_message.reply_text(words.CANCELLED.format(count=count) if count else words.NOTHING_TO_CANCEL)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the workers online, their devices and warm skills, and what is waiting."""
    def read() -> str:
        with store.connect(settings_of(context).redis_url) as r:
            return render_status(read_status(r))

    report = await asyncio.to_thread(read)
    waiting = await context.bot_data["redis"].scard(waiting_key(update.effective_user.id))
    await update.effective_message.reply_text(f"{report}\n{texts.get(update).STATUS_WAITING.format(waiting=waiting)}")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point the user to /help (in groups only if the command was meant for this bot)."""
    if addressed_text(update, context) is None:
        return
    command = (update.effective_message.text or "/").split()[0].split("@")[0]
    await update.effective_message.reply_text(texts.get(update).UNKNOWN_COMMAND.format(command=command))


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say plainly which kind of message the bot cannot handle (in groups only when addressed)."""
    message, words = update.effective_message, texts.get(update)
    if addressed_text(update, context) is None:
        return
    if message.document and document_kind(message.document.file_name, message.document.mime_type):
        await message.reply_text(words.TEXT_FILE_HINT)
        return
    what = next((name for attr, name in words.MESSAGE_KINDS if getattr(message, attr, None)), words.OTHER_KIND)
    await message.reply_text(words.UNSUPPORTED.format(what=what))


async def chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a text message for /find; queue it for the chat skill, or for a summary if it is a long forward.

    In groups only messages that mention or reply to the bot are answered (all are kept for /find).
    """
    message = update.effective_message
    await keep_message(context.bot_data["redis"], message.chat_id, message.message_id, message.text or "",
                       settings_of(context))
    text = addressed_text(update, context)
    if text is None:
        return
    length = await answer_length(context.bot_data["redis"], update.effective_user.id)
    if message.forward_origin and len(text) >= FORWARD_SUMMARY_CHARS:
        await submit(update, context, "summarize", text, options={"length": summary_length(length)})
    else:
        await submit(update, context, "chat", text, options={"length": length})


async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE, skill: str, text: str = "", *,
                 file_id: str | None = None, options: dict[str, Any] | None = None,
                 action: str = ChatAction.TYPING) -> None:
    """Build a job from the update, enqueue it and show that work has started."""
    message, user = update.effective_message, update.effective_user
    r = context.bot_data["redis"]
    refused = await limits.refusal(r, user.id, settings_of(context), user.language_code)
    if refused is not None:
        metrics.REFUSED.labels("limits").inc()
        if refused:
            await message.reply_text(refused, do_quote=True)
        return
    charge = await quotas.check(r, settings_of(context), user.id, user.language_code, skill, options or {})
    if charge.refusal:
        metrics.REFUSED.labels("quota").inc()
        await message.reply_text(charge.refusal, do_quote=True)
        return
    status_id = await waiting.send_status(message, r, skill, settings_of(context))
    job = Job(skill=skill, chat_id=message.chat_id, user_id=user.id if user else 0,
              message_id=message.message_id, text=text, file_id=file_id, options=options or {},
              language=(user and user.language_code) or "en", status_message_id=status_id)
    try:
        await asyncio.to_thread(enqueue, job)
    except Exception as exc:
        if status_id is not None:  # the update comes again, with a new status message
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(message.chat_id, status_id)
        raise NotQueued(f"job {job.job_id} for chat {job.chat_id}: {exc}") from exc
    metrics.ENQUEUED.labels(skill).inc()
    await limits.track_waiting(r, user.id, job.job_id)
    if note := await quotas.record(r, charge):
        await message.reply_text(note, disable_notification=True)
    log.info("queued job %s skill=%s chat=%s", job.job_id, skill, job.chat_id,
             extra=job_fields(job.job_id, skill, job.chat_id))
    await context.bot.send_chat_action(message.chat_id, action)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave updates whose job was not stored unconfirmed, so they come again; log anything else."""
    if isinstance(context.error, NotQueued) and isinstance(update, Update):
        metrics.NOT_QUEUED.inc()
        log.warning("not queued: %s", context.error)
        mark_unqueued(context.bot_data, update.update_id)
        return
    if isinstance(context.error, TelegramError):
        metrics.telegram_error(context.error)
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
