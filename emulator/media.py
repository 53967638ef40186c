"""Stored files and the media objects (Voice, PhotoSize list, Document...) built from them."""

from __future__ import annotations

import io
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image

from emulator.state import BotState, StoredFile
from emulator.validate import bad_request

MB = 1024 * 1024
PHOTO_UPLOAD_LIMIT = 10 * MB
UPLOAD_LIMIT = 50 * MB
DOWNLOAD_LIMIT = 20 * MB
THUMB_SIDES = (90, 320, 800, 1280)
KINDS = ("voice", "audio", "photo", "document", "video", "video_note", "sticker", "animation")
# Telegram's own folder and default extension per kind, as seen in File.file_path.
_LAYOUT = {
    "voice": ("voice", ".oga"), "audio": ("music", ".mp3"), "photo": ("photos", ".jpg"),
    "document": ("documents", ""), "video": ("videos", ".mp4"), "video_note": ("video_notes", ".mp4"),
    "sticker": ("stickers", ".webp"), "animation": ("animations", ".mp4"),
}
_DEFAULT_MIME = {"voice": "audio/ogg", "audio": "audio/mpeg", "photo": "image/jpeg", "video": "video/mp4",
                 "video_note": "video/mp4", "sticker": "image/webp", "animation": "video/mp4"}


@dataclass
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None

    def describe(self) -> dict:
        """What the call log keeps instead of the bytes."""
        return {"file_name": self.filename, "mime_type": self.content_type, "size": len(self.data)}


def _extension(kind: str, file_name: str | None, mime_type: str) -> str:
    folder_ext = _LAYOUT[kind][1]
    if kind in ("voice", "photo"):
        return folder_ext
    suffix = PurePosixPath(file_name or "").suffix
    return suffix or mimetypes.guess_extension(mime_type or "") or folder_ext or ".bin"


def store_file(bot: BotState, data: bytes, kind: str, mime_type: str | None, file_name: str | None) -> StoredFile:
    """Keep bytes under a fresh file_id and a Telegram-like file_path."""
    bot.file_counter += 1
    mime = mime_type or _DEFAULT_MIME.get(kind) or "application/octet-stream"
    path = f"{_LAYOUT[kind][0]}/file_{bot.file_counter}{_extension(kind, file_name, mime)}"
    stored = StoredFile(
        file_id=f"EMU{kind[:2].upper()}{secrets.token_urlsafe(24)}", file_unique_id=secrets.token_urlsafe(9),
        data=data, kind=kind, mime_type=mime, file_path=path, file_name=file_name,
    )
    bot.files[stored.file_id] = stored
    return stored


def get_file(bot: BotState, file_id: str) -> StoredFile:
    """A stored file by id, or Telegram's error for unknown identifiers."""
    stored = bot.files.get(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def file_object(stored: StoredFile) -> dict:
    """The File object getFile returns."""
    if len(stored.data) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {**_meta(stored), "file_path": stored.file_path}


def _meta(stored: StoredFile) -> dict:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.data)}


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _photo_variants(data: bytes) -> list[tuple[bytes, int, int]]:
    """Re-encoded JPEGs, thumbnails first; undecodable bytes are kept as one 0x0 size."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            rgb = img.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return [(data, 0, 0)]
    variants = []
    for side in THUMB_SIDES:
        if side < max(rgb.size):
            thumb = rgb.copy()
            thumb.thumbnail((side, side))
            variants.append((_jpeg(thumb), *thumb.size))
    variants.append((_jpeg(rgb), *rgb.size))
    return variants


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 512, 512


def _photo(bot: BotState, data: bytes) -> list[dict]:
    sizes: list[dict] = []
    for blob, width, height in _photo_variants(data):
        stored = store_file(bot, blob, "photo", "image/jpeg", None)
        stored.obj = sizes  # resending any size resends the whole set, like Telegram
        sizes.append({**_meta(stored), "width": width, "height": height})
    return sizes


def create_media(bot: BotState, kind: str, data: bytes, mime_type: str | None, file_name: str | None,
                 opts: dict, *, allow_empty: bool = False) -> dict | list:
    """Store an upload and build the Message field for it (a list of PhotoSize for photos)."""
    if kind not in KINDS:
        raise bad_request(f"unsupported file kind \"{kind}\"")
    limit = PHOTO_UPLOAD_LIMIT if kind == "photo" else UPLOAD_LIMIT
    if len(data) > limit:
        raise bad_request("file is too big")
    if not data and not allow_empty:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        return _photo(bot, data)
    # Telegram voice notes are always OGG/Opus whatever the client claims.
    stored = store_file(bot, data, kind, "audio/ogg" if kind == "voice" else mime_type, file_name)
    stored.obj = _describe(kind, stored, opts)
    return stored.obj


def _describe(kind: str, stored: StoredFile, opts: dict) -> dict:
    obj = _meta(stored)
    duration = int(opts.get("duration") or 1)
    if kind in ("voice", "audio", "video", "video_note", "animation"):
        obj["duration"] = duration
    if kind not in ("video_note", "sticker"):
        obj["mime_type"] = stored.mime_type
    if kind in ("audio", "document", "video", "animation") and stored.file_name:
        obj["file_name"] = stored.file_name
    if kind == "audio":
        obj.update({k: opts[k] for k in ("title", "performer") if opts.get(k)})
    if kind in ("video", "animation"):
        obj.update(width=int(opts.get("width") or 640), height=int(opts.get("height") or 360))
    if kind == "video_note":
        obj["length"] = int(opts.get("length") or 240)
    if kind == "sticker":
        width, height = _image_size(stored.data)
        obj.update(width=width, height=height, type="regular", is_animated=False, is_video=False)
    return obj


def reuse_media(bot: BotState, kind: str, file_id: str) -> dict | list:
    """The Message field for resending an existing file_id."""
    stored = get_file(bot, file_id)
    if stored.kind == kind and stored.obj is not None:
        return stored.obj
    if kind != "document":
        raise bad_request(f"can't use file of type {stored.kind} as {kind}")
    return _describe("document", stored, {})
