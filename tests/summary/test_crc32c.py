"""CRC-32C against the standard check value and tensorboardX's independent table
implementation, across the short-loop / NumPy-lane boundary and the sizes where the
number of lanes changes."""

from __future__ import annotations

import numpy as np
import pytest
from tensorboardX.crc32c import crc32c as reference_crc
from tensorboardX.record_writer import masked_crc32c as reference_masked

from trainkit.summary.crc32c import crc32c, masked_crc32c


def test_standard_check_value():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0


@pytest.mark.parametrize("n", [1, 7, 2047, 2048, 2049, 4096, 5000, 32767, 32769, 131075, 262145,
                               1048577])
def test_matches_reference_implementation(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    assert crc32c(data) == reference_crc(data)
    assert masked_crc32c(data) == reference_masked(data)


def test_leading_and_trailing_zero_bytes_change_the_checksum():
    base = b"\x01" * 3000
    assert len({crc32c(base), crc32c(b"\x00" + base), crc32c(base + b"\x00")}) == 3
    assert crc32c(b"\x00" * 5000) == reference_crc(b"\x00" * 5000)
