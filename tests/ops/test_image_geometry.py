"""Crops and pads with tensor offsets, targets and fractions, and images of unknown size:
static shapes, values (sums of an arange image and NumPy slices) and error types against
TF 2.21 (tf.compat.v1 graph mode; each expectation below is what TF printed for the same
construction)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import trainkit as tk

X = np.arange(2 * 5 * 6 * 2, dtype=np.float32).reshape(2, 5, 6, 2)
InvalidArgument = tk.errors.InvalidArgumentError


def _args(values, kinds, feed):
    """``p``: scalar int32 placeholder, ``c``: constant tensor, ``i``: Python int."""
    out = []
    for v, k in zip(values, kinds):
        if k == "p":
            p = tk.placeholder(tk.int32, [])
            feed[p] = v
            out.append(p)
        else:
            out.append(tk.constant(v) if k == "c" else v)
    return out


def _image(kind, feed):
    if kind == "known":
        return tk.constant(X)
    shape = {"unknown": [None, None, None, 2], "unknown3": [None, None, 2], "norank": None}
    p = tk.placeholder(tk.float32, shape[kind])
    feed[p] = X if kind == "unknown" else X[0]
    return p


def _build(fn, values, kinds, image="known"):
    feed = {}
    return fn(_image(image, feed), *_args(values, kinds, feed)), feed


def _run(t, feed):
    with tk.Session() as sess:
        return sess.run(t, feed)


crop, pad = tk.image.crop_to_bounding_box, tk.image.pad_to_bounding_box
rcp, rwp = tk.image.resize_image_with_crop_or_pad, tk.image.resize_image_with_pad

# (function, argument values, kinds, image) -> TF's static shape and the output's sum
SHAPES = [
    (crop, [1, 2, 3, 3], "pppp", "known", [2, None, None, 2], 2178.0),
    (crop, [1, 2, 3, 3], "cccc", "known", [2, 3, 3, 2], 2178.0),
    (crop, [1, 2, 3, 3], "iipp", "known", [2, None, None, 2], 2178.0),
    (crop, [1, 2, 3, 3], "ppii", "known", [2, 3, 3, 2], 2178.0),
    (crop, [1, 2, 3, 3], "iiii", "unknown", [None, 3, 3, 2], 2178.0),
    (crop, [1, 2, 3, 3], "pppp", "unknown", [None, None, None, 2], 2178.0),
    (crop, [1, 2, 3, 3], "iiii", "unknown3", [3, 3, 2], 549.0),
    (crop, [1, 2, 3, 3], "iiii", "norank", [3, 3, None], 549.0),
    (pad, [1, 2, 7, 9], "pppp", "known", [2, None, None, 2], 7140.0),
    (pad, [1, 2, 7, 9], "cccc", "known", [2, 7, 9, 2], 7140.0),
    (pad, [1, 2, 7, 9], "ppii", "known", [2, 7, 9, 2], 7140.0),
    (pad, [1, 2, 7, 9], "iiii", "unknown", [None, 7, 9, 2], 7140.0),
    (pad, [1, 2, 7, 9], "iiii", "norank", [7, 9, None], 1770.0),
    (rcp, [3, 9], "pp", "known", [2, None, None, 2], 4284.0),
    (rcp, [7, 4], "pp", "known", [2, None, None, 2], 4760.0),
    (rcp, [5, 6], "pp", "known", [2, None, None, 2], 7140.0),
    (rcp, [3, 9], "cc", "known", [2, 3, 9, 2], 4284.0),
    (rcp, [7, 4], "ip", "known", [2, 7, None, 2], 4760.0),
    (rcp, [3, 9], "ii", "unknown", [None, 3, 9, 2], 4284.0),
    (rcp, [3, 9], "pp", "unknown", [None, None, None, 2], 4284.0),
    (rcp, [3, 9], "ii", "norank", [3, 9, None], 1062.0),
    (rwp, [8, 9], "pp", "known", [2, None, None, 2], 15367.904296875),
    (rwp, [8, 9], "cc", "known", [2, 8, 9, 2], 15367.904296875),
    (rwp, [8, 9], "ii", "known", [2, 8, 9, 2], 15367.904296875),
    (rwp, [8, 9], "ii", "unknown", [None, 8, 9, 2], 15367.904296875),
    (rwp, [8, 9], "pp", "unknown", [None, None, None, 2], 15367.904296875),
    (lambda im, a, b: rwp(im, a, b, method=1), [3, 4], "pp", "known", [2, None, None, 2],
     1818.0),
    (lambda im, a, b: rwp(im, a, b, method=1), [3, 4], "cc", "known", [2, 3, 4, 2], 1818.0),
]


@pytest.mark.parametrize("case", range(len(SHAPES)))
def test_static_shapes_and_values_match_tf(case):
    fn, values, kinds, image, shape, total = SHAPES[case]
    y, feed = _build(fn, values, kinds, image)
    assert y.shape.as_list() == shape
    got = _run(y, feed)
    assert all(s is None or s == g for s, g in zip(shape, got.shape))
    np.testing.assert_allclose(got.astype(np.float64).sum(), total, rtol=1e-7)


def test_tensor_arguments_give_the_numpy_windows():
    y, feed = _build(crop, [1, 2, 3, 3], "pppp")
    np.testing.assert_array_equal(_run(y, feed), X[:, 1:4, 2:5])
    y, feed = _build(pad, [1, 2, 7, 9], "pppp")
    np.testing.assert_array_equal(_run(y, feed), np.pad(X, [(0, 0), (1, 1), (2, 1), (0, 0)]))
    y, feed = _build(rcp, [3, 9], "pp")  # crop 5 -> 3 rows from 1, pad 6 -> 9 columns 1 + 2
    np.testing.assert_array_equal(_run(y, feed), np.pad(X[:, 1:4], [(0, 0), (0, 0), (1, 2),
                                                                    (0, 0)]))


CROP_BAD = [([-1, 2, 3, 3], "offset_height must be >= 0."),
            ([1, -2, 3, 3], "offset_width must be >= 0."),
            ([1, 2, 0, 3], "target_height must be > 0."),
            ([1, 2, 3, 0], "target_width must be > 0."),
            ([3, 2, 3, 3], "height must be >= target + offset."),
            ([1, 4, 3, 3], "width must be >= target + offset.")]
PAD_BAD = [([-1, 2, 7, 9], "offset_height must be >= 0"),
           ([1, -2, 7, 9], "offset_width must be >= 0"),
           ([1, 2, 5, 9], "height must be <= target - offset"),
           ([1, 2, 7, 7], "width must be <= target - offset")]
TARGET_BAD = [([0, 3], "target_height must be > 0."), ([3, -1], "target_width must be > 0.")]


@pytest.mark.parametrize("fn,values,msg", [(crop, v, m) for v, m in CROP_BAD]
                         + [(pad, v, m) for v, m in PAD_BAD]
                         + [(f, v, m) for f in (rcp, rwp) for v, m in TARGET_BAD])
def test_bad_arguments_fail_when_built_or_run_like_tf(fn, values, msg):
    kinds = "i" * len(values)
    window = msg.startswith(("height", "width"))
    msg = re.escape(msg)
    with pytest.raises(ValueError, match=msg):
        _build(fn, values, kinds)
    y, feed = _build(fn, values, "p" * len(values))
    with pytest.raises(InvalidArgument, match=msg):
        _run(y, feed)
    # an image of unknown size: checks on the offsets alone still fail when building
    if fn in (crop, pad) and window:
        y, feed = _build(fn, values, kinds, "unknown")
        with pytest.raises(InvalidArgument, match=msg):
            _run(y, feed)
    elif fn in (crop, pad):
        with pytest.raises(ValueError, match=msg):
            _build(fn, values, kinds, "unknown")


def test_images_of_other_ranks_are_value_errors():
    for fn, args in ((crop, [0, 0, 1, 1]), (pad, [0, 0, 9, 9]), (rcp, [2, 2]), (rwp, [2, 2])):
        with pytest.raises(ValueError, match="3 or 4 dimensions"):
            fn(tk.constant(X[0, 0]), *args)
    with pytest.raises(ValueError, match="inner 3 dims"):
        crop(tk.zeros([2, 0, 3, 1]), 0, 0, 1, 1)


def _cc(frac, kind, image=None):
    feed = {}
    if kind == "p":
        a = tk.placeholder(tk.float32, [])
        feed[a] = frac
    else:
        a = tk.constant(frac) if kind == "c" else frac
    img = tk.constant(X) if image is None else image(feed)
    return tk.image.central_crop(img, a), feed


@pytest.mark.parametrize("kind", ["p", "c", "i"])
def test_central_crop_with_a_tensor_fraction_matches_tf(kind):
    static = {"p": lambda s: [2, None, None, 2], "c": lambda s: s, "i": lambda s: s}[kind]
    for frac, rows, cols, total in ((0.5, slice(1, 4), slice(1, 5), 2856.0),
                                    (1.0, slice(0, 5), slice(0, 6), 7140.0),
                                    (0.3, slice(1, 4), slice(2, 4), 1428.0)):
        y, feed = _cc(frac, kind)
        want = X[:, rows, cols]
        assert y.shape.as_list() == static(list(want.shape))
        got = _run(y, feed)
        np.testing.assert_array_equal(got, want)
        assert got.sum() == total
    if kind == "p":  # TF's run-time check is a tautology: 0 gives an empty crop, 2 fails
        y, feed = _cc(0.0, kind)
        assert _run(y, feed).shape == (2, 1, 0, 2)
        y, feed = _cc(2.0, kind)
        with pytest.raises(InvalidArgument):
            _run(y, feed)
    else:
        for bad in (0.0, 2.0):
            with pytest.raises(ValueError, match=r"within \(0, 1\]"):
                _cc(bad, kind)


def test_central_crop_of_unknown_sizes_and_3d_images():
    def unknown(feed):
        p = tk.placeholder(tk.float32, [None, None, None, 2])
        feed[p] = X
        return p
    for kind in "pi":
        y, feed = _cc(0.5, kind, unknown)
        assert y.shape.as_list() == [None, None, None, 2]
        np.testing.assert_array_equal(_run(y, feed), X[:, 1:4, 1:5])
    y, feed = _cc(0.5, "p", lambda feed: tk.constant(X[0]))
    assert y.shape.as_list() == [None, None, 2]
    np.testing.assert_array_equal(_run(y, feed), X[0, 1:4, 1:5])
    with pytest.raises(ValueError, match="rank = 3 or rank = 4"):
        tk.image.central_crop(tk.placeholder(tk.float32), tk.placeholder(tk.float32, []))


def _rc(kind, size):
    feed = {}
    if kind == "p":
        a = tk.placeholder(tk.int32, [len(size)])
        feed[a] = size
    elif kind == "u":
        a = tk.placeholder(tk.int32)
        feed[a] = size
    elif kind == "s":
        p = tk.placeholder(tk.int32, [])
        feed[p] = size[1]
        a = [size[0], p, size[2]]
    else:
        a = size
    return tk.random_crop(tk.constant(X[0]), a, seed=3), feed


@pytest.mark.parametrize("kind,static", [("p", [None] * 3), ("u", [None] * 3),
                                         ("s", [2, None, 2]), ("i", [2, 3, 2])])
def test_random_crop_with_a_tensor_size_matches_tf(kind, static):
    y, feed = _rc(kind, [2, 3, 2])
    assert y.shape.as_list() == static
    got = _run(y, feed)
    assert got.shape == (2, 3, 2)
    r, c = np.argwhere(X[0, :, :, 0] == got[0, 0, 0])[0]
    np.testing.assert_array_equal(got, X[0, r:r + 2, c:c + 3])
    big, feed = _rc(kind, [6, 3, 2])
    assert big.shape.as_list() == {"s": [6, None, 2], "i": [6, 3, 2]}.get(kind, [None] * 3)
    with pytest.raises(InvalidArgument, match="Need value.shape >= size"):
        _run(big, feed)
    neg, feed = _rc(kind, [2, -1, 2])
    assert neg.shape.as_list() == {"p": [None] * 3, "u": [None] * 3}.get(kind, [2, None, 2])
    with pytest.raises(InvalidArgument):
        _run(neg, feed)


def test_random_crop_size_of_the_wrong_length():
    with pytest.raises(ValueError):
        _rc("p", [2, 3])
    y, feed = _rc("u", [2, 3])
    with pytest.raises(InvalidArgument):
        _run(y, feed)


def test_non_integer_arguments_are_type_errors_like_tf():
    # TF 2.21 raises TypeError for each of these (float indices reach Slice/Pad)
    x = tk.constant(X)
    cases = [lambda: crop(x, 1.5, 1, 2, 2), lambda: crop(x, tk.constant(1.0), 1, 2, 2),
             lambda: pad(x, 1, 1, 7.5, 8), lambda: pad(x, 1, 1, tk.constant(7.0), 8),
             lambda: rcp(x, 3.5, 4), lambda: rcp(x, tk.constant(3.0), 4),
             lambda: rwp(x, 3.5, 4), lambda: tk.random_crop(x[0], [2.5, 3, 2]),
             lambda: tk.image.central_crop(x, tk.placeholder_with_default(1, []))]
    for build in cases:
        with pytest.raises(TypeError):
            build()
    assert tk.image.central_crop(x, 1) is not None  # a Python int fraction is fine
    # Differs from TF: an int64 tensor is cast (TF's crop refuses to mix it with int32)
    got = _run(crop(x, tk.constant(1, tk.int64), 1, 2, 2), None)
    np.testing.assert_array_equal(got, X[:, 1:3, 1:3])
