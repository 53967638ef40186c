"""Handlers of the vision skills: a photo (detect), and /segment, /caption, /ask as its caption or a reply to it.

Only the photo's file_id is queued; the worker downloads the image itself.
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import submit

MAX_IMAGE_FILE_BYTES = 20_000_000  # the Bot API lets bots download files up to 20 MB
# What each vision command runs; a photo with no command is sent to detection.
COMMAND_SKILLS = {"segment": "segment", "caption": "describe", "ask": "describe"}
CAPTION_COMMAND = re.compile(r"^/(segment|caption|ask)(?:@\w+)?(?:\s+|$)(.*)", re.IGNORECASE | re.DOTALL)


def image_id(message: Message | None) -> str | None:
    """The file_id of a message's largest photo size, or of an image sent as a file; None if it holds neither."""
    if message is None:
        return None
    if message.photo:
        return message.photo[-1].file_id  # sizes come smallest first
    document = message.document
    if document and (document.mime_type or "").startswith("image/"):
        return document.file_id
    return None


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue a photo for detection, or for the vision command in its caption."""
    message = update.effective_message
    found = CAPTION_COMMAND.match(message.caption or "")
    command, args = (found.group(1).lower(), found.group(2)) if found else ("", "")
    await submit_image(update, context, message, command, args)


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/segment, /caption or /ask as a reply to a photo or an image file."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    name = parts[0][1:].split("@")[0].lower()
    await submit_image(update, context, message.reply_to_message, name, parts[1] if len(parts) > 1 else "")


async def not_an_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vision command captioning a file that is not an image."""
    await update.effective_message.reply_text(texts.get(update).NOT_AN_IMAGE)


async def submit_image(update: Update, context: ContextTypes.DEFAULT_TYPE, holder: Message | None, command: str,
                       args: str) -> None:
    """Queue the image `holder` carries for `command` (detection when empty); say what is wrong otherwise."""
    message, words = update.effective_message, texts.get(update)
    file_id = image_id(holder)
    if file_id is None:
        has_file = holder is not None and holder.document is not None
        await message.reply_text(words.NOT_AN_IMAGE if has_file else words.VISION_USAGE)
        return
    if holder.document and (holder.document.file_size or 0) > MAX_IMAGE_FILE_BYTES:
        await message.reply_text(words.IMAGE_FILE_TOO_BIG)
        return
    if command == "ask" and not args.strip():
        await message.reply_text(words.ASK_USAGE)
        return
    options = {"question": args.strip()} if command == "ask" else {}
    await submit(update, context, COMMAND_SKILLS.get(command, "detect"), file_id=file_id, options=options,
                 action=ChatAction.TYPING if command in ("ask", "caption") else ChatAction.UPLOAD_PHOTO)
