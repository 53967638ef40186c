"""Image files for tests and bench: ordinary photos, a decompression bomb, a truncated JPEG."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def encode(image: Image.Image, fmt: str = "PNG", **kwargs: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def scene(width: int = 320, height: int = 240) -> Image.Image:
    """A picture with a few shapes in it, so a model has something to look at."""
    from PIL import ImageDraw

    image = Image.new("RGB", (width, height), (90, 140, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 3, width // 2, height - 10), fill=(200, 60, 40))
    draw.ellipse((width // 2, height // 8, width - 20, height // 2), fill=(240, 220, 60))
    return image


def truncated_jpeg() -> bytes:
    data = encode(scene(), "JPEG")
    return data[: len(data) // 2]


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 1-bit PNG of zero pixels: 30,000² is ~100 KB on disk and gigabytes once decoded to RGB."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + width // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
