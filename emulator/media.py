"""Stored files and the media objects (Voice, PhotoSize list, Document...) built from them."""

from __future__ import annotations

import io
import mimetypes
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image

from emulator.state import BotState, StoredFile
from emulator.validate import bad_request

MB = 1024 * 1024
PHOTO_UPLOAD_LIMIT = 10 * MB
UPLOAD_LIMIT = 50 * MB
DOWNLOAD_LIMIT = 20 * MB
LOCAL_LIMIT = 2000 * MB  # through a telegram-bot-api server run with --local; also what users may send
# Telegram works out the length of a voice note or audio file a bot sends without `duration` only while it is
# small; longer ones show 0:00 (reported from about 1 MiB or 4:50 of audio).
DURATION_SNIFF_BYTES = 1 * MB
PHOTO_MAX_SIDES = 10_000  # sendPhoto: width + height at most this, and a side ratio of at most 20
PHOTO_MAX_RATIO = 20
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
    """Keep bytes under a fresh file_id and a Telegram-like file_path (absolute in local mode, and written there
    when the emulator shares its files folder)."""
    bot.file_counter += 1
    mime = mime_type or _DEFAULT_MIME.get(kind) or "application/octet-stream"
    path = f"{_LAYOUT[kind][0]}/file_{bot.file_counter}{_extension(kind, file_name, mime)}"
    if bot.local_root:
        path = f"{bot.local_root}/{path}"
        if bot.files_on_disk:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(data)
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


def file_object(bot: BotState, stored: StoredFile) -> dict:
    """The File object getFile returns."""
    if len(stored.data) > (LOCAL_LIMIT if bot.local_root else DOWNLOAD_LIMIT):
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


def _photo(bot: BotState, data: bytes, from_user: bool = False) -> list[dict]:
    variants = _photo_variants(data)
    width, height = variants[-1][1:]
    too_wide = max(width, height) > PHOTO_MAX_RATIO * min(width, height)
    if not from_user and (width + height > PHOTO_MAX_SIDES or too_wide):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    sizes: list[dict] = []
    for blob, width, height in variants:
        stored = store_file(bot, blob, "photo", "image/jpeg", None)
        stored.obj = sizes  # resending any size resends the whole set, like Telegram
        sizes.append({**_meta(stored), "width": width, "height": height})
    return sizes


def create_media(bot: BotState, kind: str, data: bytes, mime_type: str | None, file_name: str | None,
                 opts: dict, *, from_user: bool = False) -> dict | list:
    """Store an upload and build the Message field for it (a list of PhotoSize for photos). A user's upload
    (from_user) may be up to 2,000 MB and even empty; a bot's has the Bot API's limits."""
    if kind not in KINDS:
        raise bad_request(f"unsupported file kind \"{kind}\"")
    bots_limit = LOCAL_LIMIT if bot.local_root else UPLOAD_LIMIT
    limit = PHOTO_UPLOAD_LIMIT if kind == "photo" else LOCAL_LIMIT if from_user else bots_limit
    if len(data) > limit:
        raise bad_request("file is too big")
    if not data and not from_user:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        return _photo(bot, data, from_user=from_user)
    # Telegram voice notes are always OGG/Opus whatever the client claims.
    stored = store_file(bot, data, kind, "audio/ogg" if kind == "voice" else mime_type, file_name)
    stored.obj = _describe(kind, stored, opts, from_user=from_user)
    return stored.obj


def _describe(kind: str, stored: StoredFile, opts: dict, from_user: bool = False) -> dict:
    obj = _meta(stored)
    if kind in ("voice", "audio", "video", "video_note", "animation"):
        obj["duration"] = _duration(stored.data, opts, from_user)
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


def _duration(data: bytes, opts: dict, from_user: bool) -> int:
    """The duration a message shows: the one given; else what a user's app measured when it recorded, or for a
    bot's upload what Telegram works out from a small file (a big one shows 0:00)."""
    if opts.get("duration") not in (None, ""):
        return int(opts["duration"])
    if not from_user and len(data) > DURATION_SNIFF_BYTES:
        return 0
    return shown_seconds(audio_seconds(data))


def shown_seconds(seconds: float) -> int:
    """Whole seconds, as Telegram's apps show a recording's length (5.2 s is 0:05; anything audible at least 0:01)."""
    return max(1, int(seconds + 0.5)) if seconds > 0 else 0


def audio_seconds(data: bytes) -> float:
    """The length of an OGG (Opus or Vorbis) or WAV recording, read from its pages or header; 0 if unknown."""
    try:
        if data.startswith(b"OggS"):
            return _ogg_seconds(data)
        if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
            return _wav_seconds(data)
    except (struct.error, IndexError, ValueError, ZeroDivisionError):
        pass
    return 0.0


def _ogg_seconds(data: bytes) -> float:
    """The last page's granule position over the stream's rate (Opus: 48 kHz, less its pre-skip)."""
    offset, first_packet, granule = 0, b"", -1
    while data.startswith(b"OggS", offset):
        position = struct.unpack_from("<q", data, offset + 6)[0]
        segments = data[offset + 26]
        body = offset + 27 + segments
        size = sum(data[offset + 27:body])
        if not first_packet:
            first_packet = data[body:body + size]
        granule = position if position >= 0 else granule
        offset = body + size
    if first_packet.startswith(b"OpusHead"):
        return max(0, granule - struct.unpack_from("<H", first_packet, 10)[0]) / 48_000
    if first_packet.startswith(b"\x01vorbis"):
        return max(0, granule) / struct.unpack_from("<I", first_packet, 12)[0]
    return 0.0


def _wav_seconds(data: bytes) -> float:
    offset, byte_rate, frames_bytes = 12, 0, 0
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        if chunk == b"fmt ":
            byte_rate = struct.unpack_from("<I", data, offset + 16)[0]
        if chunk == b"data":
            frames_bytes = min(size, len(data) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    return frames_bytes / byte_rate


def reuse_media(bot: BotState, kind: str, file_id: str) -> dict | list:
    """The Message field for resending an existing file_id."""
    stored = get_file(bot, file_id)
    if stored.kind == kind and stored.obj is not None:
        return stored.obj
    if kind != "document":
        raise bad_request(f"can't use file of type {stored.kind} as {kind}")
    return _describe("document", stored, {})
