"""BMP files to uint8 images the way TF 2.21's ``DecodeBmp`` reads them.

TF reads the header fields it needs (pixel-data offset, width, signed height -- negative
for top-down rows -- and bits per pixel), takes 8-bit pixels as one raw channel (the
palette is ignored), 24-bit as BGR and 32-bit as BGRA, with rows padded to 4 bytes
(bytes after the last row are ignored, a short file is an error).
"""

from __future__ import annotations

import struct

import numpy as np

from trainkit import errors


def _bad(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


def decode(data: bytes) -> np.ndarray:
    """The ``[h, w, 1|3|4]`` uint8 pixels of BMP bytes (channels as stored)."""
    if len(data) < 32:
        raise _bad("Incomplete bmp content, requires at least 32 bytes to find the header "
                   f"size, width, height, and bpp, got {len(data)} bytes")
    (offset,) = struct.unpack("<i", data[10:14])
    width, height = struct.unpack("<ii", data[18:26])
    (bpp,) = struct.unpack("<H", data[28:30])
    channels = bpp // 8
    if channels not in (1, 3, 4):
        raise _bad("Number of channels inherent in the image must be 1, 3 or 4, was "
                   f"{channels}")
    if width <= 0:
        raise _bad(f"Width must be positive, got {width}")
    if height == 0:
        raise _bad("Height must be nonzero")
    top_down = height < 0
    h = abs(height)
    row = (channels * width + 3) // 4 * 4
    if offset < 0 or offset + row * h > len(data):
        raise _bad("Input size should match (header_size + row_size * abs_height) but "
                   f"they differ by {len(data) - offset - row * h}")
    px = np.frombuffer(data, np.uint8, row * h, offset).reshape(h, row)
    img = px[:, :width * channels].reshape(h, width, channels)
    if not top_down:
        img = img[::-1]
    if channels == 3:
        img = img[..., ::-1]
    elif channels == 4:
        img = img[..., [2, 1, 0, 3]]
    return np.ascontiguousarray(img)
