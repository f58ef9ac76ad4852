"""extract_glimpse against TF 2.21 (tf.compat.v1 graph mode): where each window lies,
its static shape, its noise and its error types, with a size fed when the graph runs."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

X = np.arange(2 * 6 * 8 * 2, dtype=np.float32).reshape(2, 6, 8, 2)
OFFSETS = [[[0.0, 0.0], [0.3, -0.2]], [[0.5, 0.5], [0.9, 0.1]], [[1.0, 2.0], [2.5, 3.7]],
           [[-0.7, -0.6], [0.66, 0.75]], [[-3.0, 9.0], [0.2, -1.5]]]

# "<centered><normalized>_<offsets index>_<size>" -> per image: (row, column) of the image
# pixel that lands at the window's first in-image pixel, minus that pixel's window
# position, and how many window pixels come from the image; None: all noise. Read off
# TF 2.21's windows of X (uniform noise is never an integer, the pixels of X are).
TF = {
    "11_0_3x4": ((1, 2, 12), (2, 1, 12)), "11_0_7x9": ((0, 0, 48), (0, -1, 48)),
    "11_1_3x4": ((3, 4, 12), (4, 2, 8)), "11_1_7x9": ((1, 1, 35), (2, 0, 32)),
    "11_2_3x4": (None, None), "11_2_7x9": ((2, 7, 4), None),
    "11_3_3x4": ((0, 0, 12), (3, 5, 9)), "11_3_7x9": ((-2, -2, 35), (1, 2, 30)),
    "11_4_3x4": (None, None), "11_4_7x9": (None, (0, -6, 18)),
    "10_0_3x4": ((1, 2, 12), (1, 1, 12)), "10_0_7x9": ((0, 0, 48), (0, 0, 48)),
    "10_1_3x4": ((1, 2, 12), (1, 2, 12)), "10_1_7x9": ((0, 0, 48), (0, 0, 48)),
    "10_2_3x4": ((2, 3, 12), (2, 3, 12)), "10_2_7x9": ((0, 0, 48), (0, 1, 42)),
    "10_3_3x4": ((1, 1, 12), (1, 2, 12)), "10_3_7x9": ((0, 0, 48), (0, 0, 48)),
    "10_4_3x4": ((0, 6, 6), (1, 1, 12)), "10_4_7x9": ((-2, 4, 20), (0, -1, 48)),
    "01_0_3x4": ((-1, -2, 4), (0, -3, 3)), "01_0_7x9": ((-3, -4, 20), (-1, -6, 18)),
    "01_1_3x4": ((1, 2, 12), (3, -1, 9)), "01_1_7x9": ((0, 0, 48), (1, -3, 30)),
    "01_2_3x4": (None, None), "01_2_7x9": (None, None), "01_3_3x4": (None, (2, 4, 12)),
    "01_3_7x9": (None, (0, 1, 42)), "01_4_3x4": (None, None), "01_4_7x9": (None, None),
    "00_0_3x4": ((-1, -2, 4), (-1, -2, 4)), "00_0_7x9": ((-3, -4, 20), (-3, -4, 20)),
    "00_1_3x4": ((-1, -1, 6), (0, -1, 9)), "00_1_7x9": ((-3, -4, 20), (-2, -4, 25)),
    "00_2_3x4": ((0, 0, 12), (1, 1, 12)), "00_2_7x9": ((-2, -2, 35), (-1, 0, 48)),
    "00_3_3x4": ((-2, -2, 2), (0, -1, 9)), "00_3_7x9": ((-4, -5, 12), (-2, -3, 30)),
    "00_4_3x4": (None, (-1, -3, 2)), "00_4_7x9": ((-6, 4, 4), (-3, -6, 12)),
}


def _signature(window, b):
    """(row shift, column shift, pixel count) of image ``b``'s window, as in TF above."""
    g = window[:, :, 0]
    counts = {}
    for r, c in np.argwhere((g == np.round(g)) & (g >= b * 96) & (g < b * 96 + 96)):
        v = int(g[r, c]) - b * 96
        key = (v // 16 - r, (v % 16) // 2 - c)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    key = max(counts, key=counts.get)
    return (*key, counts[key])


@pytest.mark.parametrize("centered", [True, False])
@pytest.mark.parametrize("normalized", [True, False])
def test_windows_lie_where_tf_puts_them(centered, normalized):
    p = tk.placeholder(tk.int32, [2])
    o = tk.placeholder(tk.float32, [2, 2])
    y = tk.image.extract_glimpse(tk.constant(X), p, o, centered=centered,
                                 normalized=normalized)
    assert y.shape.as_list() == [2, None, None, 2] and y.dtype == tk.float32
    with tk.Session() as sess:
        for i, offsets in enumerate(OFFSETS):
            for size in ([3, 4], [7, 9]):
                got = sess.run(y, {p: size, o: offsets})
                assert got.shape == (2, *size, 2)
                key = f"{int(centered)}{int(normalized)}_{i}_{size[0]}x{size[1]}"
                assert tuple(_signature(got[b], b) for b in range(2)) == TF[key], key
                for b in range(2):  # the noise stays within the image's range
                    assert X[b].min() <= got[b].min() and got[b].max() <= X[b].max()


def test_gaussian_noise_is_clipped_per_channel_and_no_gradient():
    x = tk.constant(X)
    y = tk.image.extract_glimpse(x, [20, 30], [[5.0, 5.0], [0.0, 0.0]], uniform_noise=False)
    assert y.shape.as_list() == [2, 20, 30, 2]
    got = _run(y)
    for b in range(2):
        for ch in range(2):
            lo, hi = X[b, :, :, ch].min(), X[b, :, :, ch].max()
            assert lo <= got[b, :, :, ch].min() and got[b, :, :, ch].max() <= hi
    noise = got[0, :, :, 0]  # offset 5 (normalized, centered): the window misses image 0
    assert abs(noise.mean() - X[0, :, :, 0].mean()) < 5.0
    assert tk.gradients(tk.reduce_sum(y), x) == [None]  # TF 2.21: None, not an error


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_bad_sizes_and_offsets_fail_like_tf():
    x = tk.constant(X)
    offsets = [[0.0, 0.0], [0.0, 0.0]]
    p = tk.placeholder(tk.int32, [2])
    y = tk.image.extract_glimpse(x, p, offsets)
    assert _run(y, {p: [0, 4]}).shape == (2, 0, 4, 2)  # TF: an empty window
    with pytest.raises(tk.errors.InvalidArgumentError):
        _run(y, {p: [3, -4]})
    q = tk.placeholder(tk.float32, [None, 2])
    z = tk.image.extract_glimpse(x, [3, 4], q)
    with pytest.raises(tk.errors.InvalidArgumentError, match="offsets"):
        _run(z, {q: [[0.0, 0.0]]})
    with pytest.raises(ValueError):
        tk.image.extract_glimpse(x, [3, 4], [[0.0, 0.0]])
    with pytest.raises(ValueError, match="2 elements"):
        tk.image.extract_glimpse(x, [3, 4, 5], offsets)
    with pytest.raises(ValueError, match="rank 4"):
        tk.image.extract_glimpse(tk.constant(X[0]), [3, 4], offsets)
    with pytest.raises(TypeError, match="int32"):
        tk.image.extract_glimpse(x, [3.0, 4.0], offsets)
    assert tk.image.extract_glimpse(x, [3, 4], offsets).shape.as_list() == [2, 3, 4, 2]
