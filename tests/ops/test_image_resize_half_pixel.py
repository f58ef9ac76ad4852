"""ResizeBilinear / ResizeNearestNeighbor with ``half_pixel_centers=True`` and their
gradients against TF 2.21 (``tf.compat.v1`` graph mode).

Every case resizes ``X(shape) = 3 sin(0.7 * arange)`` (float32) to ``size``; TF's numbers
are ``sum(y * P(y.shape))`` and ``sum(dx * P(x.shape))`` in float64, ``dx`` the gradient
of ``sum(y * P(y.shape))`` and ``P(shape) = cos(0.37 * arange)`` (an irregular probe, so
any wrong source index or weight moves them). Two small cases are also compared
elementwise (batch 0, channel 0, rounded to 6 places).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _x(shape: tuple) -> np.ndarray:
    return (np.sin(np.arange(np.prod(shape)) * 0.7) * 3).reshape(shape).astype(np.float32)


def _probe(shape: tuple) -> np.ndarray:
    return np.cos(np.arange(np.prod(shape)) * 0.37).reshape(shape).astype(np.float32)


_FN = {"B": "resize_bilinear", "N": "resize_nearest_neighbor"}

# (op, image shape, size, value checksum, gradient checksum), TF 2.21
TF_SUMS = [
    ("B", (1, 6, 7, 3), (2, 3), 0.4124992, -1.656004),
    ("B", (1, 6, 7, 3), (5, 5), 2.059406, 0.1366285),
    ("B", (1, 8, 8, 1), (3, 5), 0.00517115, -2.381337),
    ("B", (2, 3, 5, 2), (4, 3), 3.092879, -3.148209),
    ("B", (2, 3, 5, 2), (7, 11), -17.80294, 1.674672),
    ("B", (3, 1, 4, 1), (3, 9), -27.15965, 1.849317),
    ("N", (1, 6, 7, 3), (2, 3), 0.3609301, -2.772158),
    ("N", (1, 6, 7, 3), (5, 5), 7.104343, -2.386803),
    ("N", (1, 8, 8, 1), (3, 5), -0.2709336, -4.537497),
    ("N", (2, 3, 5, 2), (4, 3), 1.116884, -3.105188),
    ("N", (2, 3, 5, 2), (7, 11), -38.27673, 2.083665),
    ("N", (3, 1, 4, 1), (3, 9), -28.62173, 1.746519),
]

# (op, image shape, size) -> (y[0, :, :, 0], dx[0, :, :, 0]), TF 2.21
TF_FULL = {
    ("B", (1, 6, 7, 3), (2, 3)): (
        [[-0.929387, 2.509967, 0.961743], [-1.093812, 2.299639, 1.123457]],
        [[0.0] * 7, [0.333333, 0.666667, 0.0, 0.444662, 0.0, -0.403035, -0.201517],
         [0.0] * 7, [0.0] * 7,
         [-0.327435, -0.654869, 0.0, -0.269033, 0.0, 0.495365, 0.247682], [0.0] * 7]),
    ("N", (2, 3, 5, 2), (4, 3)): (
        [[0.0, 1.004964, -1.8938], [1.97096, -1.099437, 0.100869],
         [1.97096, -1.099437, 0.100869], [2.971822, -2.662701, 2.045891]],
        [[1.0, 0.0, 0.738469, 0.0, 0.090672], [-0.873585, 0.0, -0.532802, 0.0, 0.08667],
         [0.929841, 0.0, 0.438547, 0.0, -0.282135]]),
}


def _run(op: str, shape: tuple, size: tuple, feed_size: bool = False):
    with tk.Graph().as_default():
        x = tk.constant(_x(shape))
        s = tk.placeholder(tk.int32, [2]) if feed_size else size
        y = getattr(tk.image, _FN[op])(x, s, half_pixel_centers=True)
        probe = _probe((shape[0], *size, shape[3]))
        dx, = tk.gradients(tk.reduce_sum(y * probe), [x])
        with tk.Session() as sess:
            yv, dv = sess.run([y, dx], {s: size} if feed_size else None)
    return yv, dv, probe


@pytest.mark.parametrize("op,shape,size,ysum,gsum", TF_SUMS)
def test_checksums_equal_tf(op, shape, size, ysum, gsum):
    yv, dv, probe = _run(op, shape, size)
    assert yv.shape == (shape[0], *size, shape[3]) and yv.dtype == np.float32
    assert dv.shape == shape
    np.testing.assert_allclose((yv.astype(np.float64) * probe).sum(), ysum,
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose((dv.astype(np.float64) * _probe(shape)).sum(), gsum,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("key", sorted(TF_FULL))
def test_elementwise_equal_tf(key):
    yv, dv, _ = _run(*key)
    np.testing.assert_allclose(yv[0, :, :, 0], TF_FULL[key][0], atol=2e-6)
    np.testing.assert_allclose(dv[0, :, :, 0], TF_FULL[key][1], atol=2e-6)


@pytest.mark.parametrize("op", ["B", "N"])
def test_size_fed_at_run_time(op):
    shape, size = (2, 3, 5, 2), (7, 11)
    static, _, _ = _run(op, shape, size)
    fed, _, _ = _run(op, shape, size, feed_size=True)
    np.testing.assert_array_equal(fed, static)


def test_differs_from_legacy_sampling():
    """1 -> 2 pixels per axis: legacy samples source 0 and 0.5, half-pixel -0.25 -> 0
    (clamped) and 0.75 (hand computation)."""
    x = np.array([[[[0.0], [4.0]]]], np.float32)  # 1x1x2x1
    with tk.Graph().as_default(), tk.Session() as sess:
        half = sess.run(tk.image.resize_bilinear(x, [1, 4], half_pixel_centers=True))
        legacy = sess.run(tk.image.resize_bilinear(x, [1, 4]))
        near = sess.run(tk.image.resize_nearest_neighbor(x, [1, 4], half_pixel_centers=True))
    np.testing.assert_allclose(half.ravel(), [0.0, 1.0, 3.0, 4.0])
    np.testing.assert_allclose(legacy.ravel(), [0.0, 2.0, 4.0, 4.0])
    np.testing.assert_array_equal(near.ravel(), [0.0, 0.0, 4.0, 4.0])


@pytest.mark.parametrize("fn", sorted(_FN.values()))
def test_align_corners_with_half_pixel_fails_when_run(fn):
    """TF builds the op and refuses it in the kernel (InvalidArgumentError)."""
    with tk.Graph().as_default():
        y = getattr(tk.image, fn)(_x((1, 3, 3, 1)), [4, 4], align_corners=True,
                                  half_pixel_centers=True)
        assert y.shape.as_list() == [1, 4, 4, 1]
        with tk.Session() as sess, pytest.raises(
                tk.errors.InvalidArgumentError,
                match="If half_pixel_centers is True, align_corners must be False"):
            sess.run(y)


@pytest.mark.parametrize("fn", sorted(_FN.values()))
def test_gradient_with_align_corners_and_half_pixel_fails_when_run(fn):
    """The gradient kernels check the same pair of attributes as TF's."""
    with tk.Graph().as_default():
        x = tk.constant(_x((1, 3, 3, 1)))
        y = getattr(tk.image, fn)(x, [4, 4], align_corners=True, half_pixel_centers=True)
        dx, = tk.gradients(tk.reduce_sum(y), [x])
        assert dx.op.type == y.op.type + "Grad"
        with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError,
                                                 match="align_corners must be False"):
            sess.run(dx)


def test_bicubic_half_pixel_not_implemented():
    with pytest.raises(NotImplementedError, match="half_pixel_centers"):
        tk.image.resize_bicubic(np.zeros((1, 2, 2, 1), np.float32), [3, 3],
                                half_pixel_centers=True)


@pytest.mark.parametrize("size", [(5, 4), (2, 3)])
def test_bilinear_gradient_matches_finite_differences(size):
    with tk.Graph().as_default():
        check_grad(lambda t: tk.image.resize_bilinear(t, size, half_pixel_centers=True),
                   _x((1, 3, 4, 2)).astype(np.float64))
