"""tf.image.ssim / ssim_multiscale of images whose height, width, depth (or rank) are known
only when the graph runs, against TF 2.21 (``tf.compat.v1`` graph mode, the same images
fed through placeholders; TF builds these graphs too) and against trainkit's static-size
graph. Images: ``default_rng(3)``, ``A ~ U(0, 1)``, ``B = clip(A + N(0, 0.1), 0, 1)``
(noise 0.2 for the 181x177 pair), float32.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

_RNG = np.random.default_rng(3)
A = _RNG.uniform(0, 1, (2, 25, 23, 3)).astype(np.float32)
B = np.clip(A + _RNG.normal(0, 0.1, A.shape), 0, 1).astype(np.float32)
BIG_A = _RNG.uniform(0, 1, (1, 181, 177, 1)).astype(np.float32)
BIG_B = np.clip(BIG_A + _RNG.normal(0, 0.2, BIG_A.shape), 0, 1).astype(np.float32)

TF_SSIM = [0.9496986269950867, 0.9459804892539978]          # ssim(A, B, 1.0)
TF_MS2 = [0.9595949649810791, 0.9544321894645691]           # power_factors=(0.5, 0.3)
TF_MS5 = [0.8521257638931274]                                # default five scales

SHAPES = {"hw": [None, None, None, 3], "hwc": [None, None, None, None], "rank": None}


def _measures(a, b, shape, big=False):
    """(ssim, two-scale MS-SSIM) of ``a``/``b``, or the five-scale MS-SSIM with ``big``;
    fed through placeholders of ``shape``, or as constants when ``shape`` is "static"."""
    with tk.Graph().as_default():
        if shape == "static":
            p, q, feed = tk.constant(a), tk.constant(b), None
        else:
            p, q = tk.placeholder(tk.float32, shape), tk.placeholder(tk.float32, shape)
            feed = {p: a, q: b}
        if big:
            fetch = tk.image.ssim_multiscale(p, q, 1.0)
        else:
            fetch = (tk.image.ssim(p, q, 1.0),
                     tk.image.ssim_multiscale(p, q, 1.0, power_factors=(0.5, 0.3)))
        with tk.Session() as sess:
            return sess.run(fetch, feed)


@pytest.fixture(scope="module")
def static():
    return _measures(A, B, "static")


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_ssim_and_two_scales_equal_tf_and_static(static, kind):
    ssim, ms = _measures(A, B, SHAPES[kind])
    np.testing.assert_allclose(ssim, TF_SSIM, rtol=2e-6)
    np.testing.assert_allclose(ms, TF_MS2, rtol=2e-6)
    np.testing.assert_array_equal(ssim, static[0])
    if kind == "rank":  # multiplied term by term instead of stacked: within an ulp
        np.testing.assert_allclose(ms, static[1], rtol=2e-7)
    else:
        np.testing.assert_array_equal(ms, static[1])


def test_five_scales_unknown_size_equal_tf_and_static():
    fed = _measures(BIG_A, BIG_B, [None, None, None, 1], big=True)
    np.testing.assert_allclose(fed, TF_MS5, rtol=1e-5)
    np.testing.assert_array_equal(fed, _measures(BIG_A, BIG_B, "static", big=True))


def test_static_shape_of_result():
    with tk.Graph().as_default():
        p = tk.placeholder(tk.float32, [None, None, None, 3])
        assert tk.image.ssim(p, p, 1.0).shape.as_list() == [None]
        assert tk.image.ssim_multiscale(p, p, 1.0, (0.5, 0.5)).shape.as_list() == [None]


@pytest.mark.parametrize("fn", ["ssim", "ssim_multiscale"])
def test_too_small_at_run_time_fails_when_run(fn):
    """TF's Assert: ssim on 9 rows, MS-SSIM's second scale on 13x12 -> 7x6."""
    a, b = (A[:, :9], B[:, :9]) if fn == "ssim" else (A[:, :13, :12], B[:, :13, :12])
    with tk.Graph().as_default():
        p, q = tk.placeholder(tk.float32, SHAPES["hw"]), tk.placeholder(tk.float32,
                                                                          SHAPES["hw"])
        kwargs = {"power_factors": (0.5, 0.5)} if fn == "ssim_multiscale" else {}
        out = getattr(tk.image, fn)(p, q, 1.0, **kwargs)
        with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError,
                                                 match="assertion failed"):
            sess.run(out, {p: a, q: b})


def test_known_too_small_raises_value_error_when_built():
    with tk.Graph().as_default():
        p = tk.placeholder(tk.float32, [None, 9, None, 3])
        with pytest.raises(ValueError, match="at least 11x11"):
            tk.image.ssim(p, p, 1.0)
