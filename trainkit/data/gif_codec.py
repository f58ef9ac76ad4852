"""GIF files to ``[frames, h, w, 3]`` uint8 the way TF 2.21's ``DecodeGif`` composes them.

Every frame starts as a copy of the previous one (black for the first), the frame's
rectangle (clipped to the logical screen) is painted from its local or the global colour
table, and pixels of the frame's transparent index keep what was there; disposal methods
are ignored, as in TF. Interlaced frames are de-interlaced (giflib's ``DGifSlurp``).
"""

from __future__ import annotations

import struct

import numpy as np

from trainkit import errors


def _slurp_error(data: bytes, why: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"Invalid GIF data (size {len(data)}), "
                                       f"failed to slurp gif file: {why}")


def lzw_decode(data: bytes, min_size: int, count: int) -> bytes:
    """The first ``count`` colour indices of a GIF LZW stream (variable-width codes, LSB
    first, clear/end codes, widths growing to 12 bits); ``ValueError`` on a bad code."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    a = np.frombuffer(data + bytes(4), np.uint8).astype(np.int64)
    n = len(data)
    win = (a[:n] | a[1:n + 1] << 8 | a[2:n + 2] << 16).tolist()
    limit = n * 8
    base = [bytes([i]) for i in range(clear)] + [b"", b""]
    table, width, prev = list(base), min_size + 1, b""
    out, size, p = [], 0, 0
    while size < count:
        if p + width > limit:
            raise ValueError("Failed to read from given file")
        code = (win[p >> 3] >> (p & 7)) & ((1 << width) - 1)
        p += width
        if code == clear:
            table, width, prev = list(base), min_size + 1, b""
            continue
        if code == end:
            break
        if not prev:
            if code >= clear:
                raise ValueError("Image is defective, decoding aborted")
            entry = table[code]
        else:
            if code < len(table):
                entry = table[code]
            elif code == len(table):
                entry = prev + prev[:1]
            else:
                raise ValueError("Image is defective, decoding aborted")
            if len(table) < 4096:
                table.append(prev + entry[:1])
                if len(table) == 1 << width and width < 12:
                    width += 1
        out.append(entry)
        size += len(entry)
        prev = entry
    if size < count:
        raise ValueError("Failed to read from given file")
    return b"".join(out)[:count]


def _sub_blocks(data: bytes, pos: int) -> tuple[bytes, int]:
    parts = []
    while True:
        if pos >= len(data):
            raise ValueError("Failed to read from given file")
        n = data[pos]
        if n == 0:
            return b"".join(parts), pos + 1
        if pos + 1 + n > len(data):
            raise ValueError("Failed to read from given file")
        parts.append(data[pos + 1:pos + 1 + n])
        pos += 1 + n


def _table(data: bytes, pos: int, flags: int) -> tuple[np.ndarray | None, int]:
    if not flags & 0x80:
        return None, pos
    n = 2 << (flags & 7)
    if pos + 3 * n > len(data):
        raise ValueError("Failed to read from given file")
    return np.frombuffer(data, np.uint8, 3 * n, pos).reshape(n, 3), pos + 3 * n


def _deinterlace(idx: np.ndarray) -> np.ndarray:
    h = idx.shape[0]
    rows = [*range(0, h, 8), *range(4, h, 8), *range(2, h, 4), *range(1, h, 2)]
    out = np.empty_like(idx)
    out[rows] = idx
    return out


def _frames(data: bytes) -> tuple[int, int, np.ndarray | None, list[dict]]:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("Data is not in GIF format")
    if len(data) < 13:
        raise ValueError("Failed to read from given file")
    w, h, flags = struct.unpack("<HHB", data[6:11])
    gtable, pos = _table(data, 13, flags)
    frames, trans = [], -1
    while True:
        if pos >= len(data):
            raise ValueError("Failed to read from given file")
        kind, pos = data[pos], pos + 1
        if kind == 0x3B:
            return w, h, gtable, frames
        if kind == 0x21:
            if pos >= len(data):
                raise ValueError("Failed to read from given file")
            label = data[pos]
            body, pos = _sub_blocks(data, pos + 1)
            if label == 0xF9 and len(body) >= 4:
                trans = body[3] if body[0] & 1 else -1
        elif kind == 0x2C:
            if pos + 9 > len(data):
                raise ValueError("Failed to read from given file")
            x, y, fw, fh, fflags = struct.unpack("<HHHHB", data[pos:pos + 9])
            ltable, pos = _table(data, pos + 9, fflags)
            if pos >= len(data):
                raise ValueError("Failed to read from given file")
            min_size = data[pos]
            if not 1 <= min_size <= 11:
                raise ValueError("Image is defective, decoding aborted")
            raw, pos = _sub_blocks(data, pos + 1)
            idx = np.frombuffer(lzw_decode(raw, min_size, fw * fh), np.uint8)
            idx = idx.reshape(fh, fw)
            if fflags & 0x40:
                idx = _deinterlace(idx)
            frames.append({"box": (x, y, fw, fh), "idx": idx, "table": ltable,
                           "trans": trans})
            trans = -1
        else:
            raise ValueError("Wrong record type detected")


def decode(data: bytes) -> np.ndarray:
    """All frames of GIF bytes as ``[frames, screen_h, screen_w, 3]`` uint8."""
    try:
        w, h, gtable, frames = _frames(data)
    except ValueError as e:
        raise _slurp_error(data, str(e)) from None
    if not frames:
        raise errors.InvalidArgumentError(None, None, "Gif file does not contain any image")
    out = np.zeros((len(frames), h, w, 3), np.uint8)
    for k, fr in enumerate(frames):
        if k:
            out[k] = out[k - 1]
        x, y, fw, fh = fr["box"]
        x1, y1 = min(x + fw, w), min(y + fh, h)
        if x1 <= x or y1 <= y:
            continue
        table = fr["table"] if fr["table"] is not None else gtable
        if table is None:
            raise errors.InvalidArgumentError(None, None, f"No color map found for frame {k}")
        idx = fr["idx"][:y1 - y, :x1 - x]
        keep = idx == fr["trans"]
        paint = idx[~keep]
        if paint.size and int(paint.max()) >= len(table):
            raise errors.InvalidArgumentError(
                None, None, f"Found color index {int(paint.max())} outside of color map "
                            f"range {len(table)}")
        region = out[k, y:y1, x:x1]
        region[~keep] = table[paint]
    return out
