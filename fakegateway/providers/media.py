"""Small but real media files made in code: PNG images, MP3 and WAV audio; a stand-in transcript."""

from __future__ import annotations

import hashlib
import math
import struct
import zlib

# An MPEG-2 Layer III frame header: 24 kHz, 32 kbit/s, mono, no CRC. Each frame is 96 bytes and
# holds 576 samples (24 ms); all-zero side info and data decode as silence.
_MP3_FRAME = bytes.fromhex("fff344c0") + bytes(92)
_MP3_FRAME_SECONDS = 576 / 24000
# Speech runs at roughly 15 characters a second.
_CHARS_PER_SECOND = 15.0
_MAX_SPEECH_SECONDS = 120.0
_WAV_RATE = 24000


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: str, size: int = 32) -> bytes:
    """A `size`x`size` RGB PNG: a diagonal gradient whose colours come from a hash of `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    start, end = digest[0:3], digest[3:6]
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            t = (x + y) / (2 * size - 2) if size > 1 else 0.0
            row.extend(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def speech_seconds(text: str) -> float:
    """How long the fake voice takes to say `text`."""
    return min(max(len(text) / _CHARS_PER_SECOND, 0.5), _MAX_SPEECH_SECONDS)


def _id3_tag(title: str) -> bytes:
    """An ID3v2.4 tag with the title (TIT2) and the encoder (TSSE), as encoders write them."""
    frames = b""
    for frame_id, text in ((b"TIT2", title[:100]), (b"TSSE", "fakegateway")):
        payload = b"\x03" + text.encode()  # 3 = UTF-8
        frames += frame_id + _syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + _syncsafe(len(frames)) + frames


def _syncsafe(value: int) -> bytes:
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))


def mp3(text: str) -> bytes:
    """Silent MP3 audio as long as speaking `text` would take."""
    frames = max(1, round(speech_seconds(text) / _MP3_FRAME_SECONDS))
    return _id3_tag(text) + _MP3_FRAME * frames


def pcm(text: str) -> bytes:
    """Raw 16-bit mono 24 kHz silence as long as speaking `text` would take."""
    return bytes(2 * round(speech_seconds(text) * _WAV_RATE))


def wav(text: str) -> bytes:
    """A WAV (RIFF, 16-bit PCM, mono, 24 kHz) file of silence as long as speaking `text` would take."""
    samples = pcm(text)
    fmt = struct.pack("<HHIIHH", 1, 1, _WAV_RATE, _WAV_RATE * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(samples))
    return b"RIFF" + struct.pack("<I", len(body) + len(samples)) + body + samples


def audio_seconds(data: bytes) -> float:
    """A rough duration for uploaded audio, assuming 32 kbit/s (the bundled sample's bit rate)."""
    return round(len(data) / 4000, 2)


def image_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) for PNG, JPEG and WebP bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


_TRANSCRIPT_SENTENCES = (
    "Hello, this is a short test recording.",
    "The quick brown fox jumps over the lazy dog.",
    "Please leave a message after the tone.",
    "Testing one, two, three.",
    "The weather today is clear and sunny.",
    "Thank you for calling, how can I help?",
)


def transcript(audio: bytes) -> str:
    """A stable transcript for the given audio: one sentence per few seconds, chosen by a hash."""
    digest = hashlib.sha256(audio).digest()
    count = max(1, min(len(digest), math.ceil(audio_seconds(audio) / 4)))
    return " ".join(_TRANSCRIPT_SENTENCES[digest[i] % len(_TRANSCRIPT_SENTENCES)] for i in range(count))
