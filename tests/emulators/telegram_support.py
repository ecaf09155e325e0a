"""What the Telegram emulator tests share: a group, two people, a keyboard, small helpers."""

from __future__ import annotations

import socket
import struct
import zlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from emulators.telegram import (
    EmulatedUser,
)

GROUP = -100_200_300
ALICE = EmulatedUser(id=1001, first_name="Alice", username="alice", language_code="nl")
BOB = EmulatedUser(id=1002, first_name="Bob")
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Eens", callback_data="agree")]])


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
