"""Documents: a text command as the caption of a file acts on that file, and /ask answers about a document as it
does about a photo (the worker reads the file; the bot only routes by what the message holds)."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import text_tools, texts, vision
from bot.preferences import answer_length

CAPTION_COMMAND = re.compile(r"^/(summarize|translate|find|ask)(?:@\w+)?(?:\s|$)", re.IGNORECASE)


async def caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Run the /summarize, /translate, /find or /ask in a file's caption on that file."""
    found = CAPTION_COMMAND.match(update.effective_message.caption or "")
    command = found.group(1).lower() if found else ""
    handler = {"summarize": text_tools.summarize, "translate": text_tools.translate, "find": text_tools.find,
               "ask": ask}.get(command)
    if handler is not None:
        await handler(update, context)


def holds_document(message: Message | None) -> bool:
    """A file that is not an image (images go to the vision skills)."""
    return message is not None and message.document is not None and vision.image_id(message) is None


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask about the document this replies to (or captions): its closest passages answered by the chat model;
    about a photo otherwise."""
    message, source = update.effective_message, text_tools.quoted(update)
    if source is None or not holds_document(message if message.document else message.reply_to_message):
        await vision.command(update, context)
        return
    length = await answer_length(context.bot_data["redis"], update.effective_user.id)
    await text_tools.submit_document(update, context, source, text_tools.command_args(update),
                                     texts.get(update).ASK_DOCUMENT_USAGE, {"ask": True, "length": length})
