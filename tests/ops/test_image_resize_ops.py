"""tf.image resizing with a size known only when the graph runs (ResizeBilinear,
ResizeNearestNeighbor, ResizeBicubic, ResizeArea and their gradients): values, static and
run-time shapes and error types against TF 2.21 (tf.compat.v1 graph mode; numbers printed
once and written here), NumPy references and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = np.random.RandomState(0).rand(2, 4, 6, 3).astype(np.float32)

# TF 2.21: tf.image.resize_<method>(x, size_placeholder, align_corners) of X fed [h, w]:
# (float64 sum of the output, output.ravel()[[1, 7, 20, 40]], and for the differentiable
# methods the gradient of sum(output.ravel() * cos(arange)) w.r.t. X: its float64 sum and
# its .ravel()[[0, 5, 17, 33]]).
TF = {
    "bilinear_0_3x5": (45.36418, [0.7151893, 0.8517538, 0.5963889, 0.1920556], 1.542262,
                       [1, 0.2269297, 0.1093898, -0.1558074]),
    "bilinear_0_7x9": (188.7218, [0.7151893, 0.5796942, 0.07103606, 0.6742923], 1.008109,
                       [0.5668361, 0.0722599, 0.1738521, -0.0778168]),
    "bilinear_1_3x5": (44.31519, [0.7151893, 0.841749, 0.5578505, 0.1219715], 1.542262,
                       [1, 0.2127466, 0.1367372, -0.1460694]),
    "bilinear_1_7x9": (191.1358, [0.7151893, 0.5406843, 0.1855007, 0.7113168], 1.008109,
                       [0.5116056, 0.05021941, 0.1688967, -0.3625286]),
    "nearest_0_3x5": (47.88247, [0.7151893, 0.891773, 0.7805292, 0.2103826], 1.542262,
                      [1, 0.2836622, 0, 0]),
    "nearest_0_7x9": (197.3391, [0.7151893, 0.4236548, 0.07103606, 0.891773], 1.008109,
                      [-0.1278799, -1.049192, -0.2713634, -1.098762]),
    "nearest_1_3x5": (45.29612, [0.7151893, 0.791725, 0.437032, 0.09710128], 1.542262,
                      [1, 0.2836622, 0.1367372, 0]),
    "nearest_1_7x9": (190.8117, [0.7151893, 0.4236548, 0.07103606, 0.5218483], 1.008109,
                      [1, 0.1381621, 0.6469194, -0.1156489]),
    "bicubic_0_3x5": (45.47852, [0.7151893, 0.8938, 0.5800453, 0.08224183], 1.542262,
                      [1.186542, 0.2285362, 0.1884004, -0.2083335]),
    "bicubic_0_7x9": (188.1852, [0.7151893, 0.5440177, 0.07103606, 0.7072381], 1.00811,
                      [0.4930315, 0.107631, 0.1833647, -0.1909119]),
    "bicubic_1_3x5": (44.53607, [0.7151893, 0.8730847, 0.5318123, 0.02992588], 1.542261,
                      [1.182163, 0.2246451, 0.2127974, -0.2000204]),
    "bicubic_1_7x9": (191.7588, [0.7151893, 0.5024824, 0.0791616, 0.7686199], 1.008108,
                      [0.3897702, 0.08707313, 0.1245047, -0.2723214]),
    "area_0_3x5": (45.18704, [0.700431, 0.7765329, 0.5408737, 0.1758465]),
    "area_0_7x9": (189.7856, [0.7151893, 0.4236548, 0.07103609, 0.7765329]),
    "area_1_3x5": (44.55971, [0.7006902, 0.7441886, 0.5278369, 0.1169975]),
    "area_1_7x9": (193.8239, [0.7151894, 0.4236548, 0.2541796, 0.8717634]),
}

RAW = {"bilinear": "resize_bilinear", "nearest": "resize_nearest_neighbor",
       "bicubic": "resize_bicubic", "area": "resize_area"}


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


@pytest.mark.parametrize("method", list(RAW))
@pytest.mark.parametrize("align", [False, True])
def test_run_time_size_matches_tf(method, align):
    x = tk.placeholder(tk.float32, [2, 4, 6, 3])
    p = tk.placeholder(tk.int32, [2])
    y = getattr(tk.image, RAW[method])(x, p, align_corners=align)
    assert y.shape.as_list() == [2, None, None, 3] and y.dtype == tk.float32
    wt = tk.cos(tk.cast(tk.range(tk.size(y)), tk.float32))
    loss = tk.reduce_sum(tk.reshape(y, [-1]) * wt)
    grad = None if method == "area" else tk.gradients(loss, x)[0]
    with tk.Session() as sess:
        for h, w in ((3, 5), (7, 9)):
            want = TF[f"{method}_{int(align)}_{h}x{w}"]
            got = sess.run(y, {x: X, p: [h, w]})
            assert got.shape == (2, h, w, 3)
            np.testing.assert_allclose(got.astype(np.float64).sum(), want[0], rtol=1e-6)
            np.testing.assert_allclose(got.ravel()[[1, 7, 20, 40]], want[1], rtol=5e-6)
            if grad is not None:
                g = sess.run(grad, {x: X, p: [h, w]})
                assert g.shape == X.shape
                np.testing.assert_allclose(g.astype(np.float64).sum(), want[2], rtol=5e-6)
                np.testing.assert_allclose(g.ravel()[[0, 5, 17, 33]], want[3], rtol=1e-5,
                                           atol=1e-6)


@pytest.mark.parametrize("method", [0, 1, 2, 3])
def test_run_time_size_equals_the_constant_size(method):
    p = tk.placeholder(tk.int32, [2])
    dyn = tk.image.resize_images(X, p, method=method, align_corners=True)
    const = tk.image.resize_images(X, [7, 4], method=method, align_corners=True)
    assert const.shape.as_list() == [2, 7, 4, 3]
    np.testing.assert_allclose(_run(dyn, {p: [7, 4]}), _run(const), rtol=1e-6, atol=1e-7)


def test_pix2pix_upsample_is_static_and_repeats_pixels():
    """pix2pix's upsample: resize(net, [2 * shape[1], 2 * shape[2]], NEAREST)."""
    net = tk.constant(X)
    s = tk.shape(net)
    up = tk.image.resize(net, [2 * s[1], 2 * s[2]],
                         method=tk.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert up.shape.as_list() == [2, 8, 12, 3]  # TF 2.21 folds the size too
    np.testing.assert_array_equal(_run(up), X.repeat(2, 1).repeat(2, 2))
    bl = tk.image.resize_images(net, s[1:3] * 2)
    assert bl.shape.as_list() == [2, 8, 12, 3]
    np.testing.assert_allclose(_run(bl)[0, 1, :4, 0],  # TF 2.21, as recorded
                               [0.66348517, 0.66775298, 0.67202091, 0.47497585], rtol=1e-6)


def _static(size_fn, x_shape=(2, 4, 6, 3)):
    x = tk.placeholder(tk.float32, list(x_shape))
    return tk.image.resize_images(x, size_fn(x)).shape.as_list()


def test_static_shapes_follow_tf_shape_inference():
    # each expectation is TF 2.21's static shape for the same construction
    p2 = tk.placeholder(tk.int32, [2])
    scalar = tk.placeholder(tk.int32, [])
    assert _static(lambda x: p2) == [2, None, None, 3]
    assert _static(lambda x: tk.placeholder(tk.int32)) == [2, None, None, 3]
    assert _static(lambda x: tk.constant([3, 5])) == [2, 3, 5, 3]
    assert _static(lambda x: tk.stack([3, 5])) == [2, 3, 5, 3]
    assert _static(lambda x: [scalar, 5]) == [2, None, 5, 3]
    assert _static(lambda x: tk.shape(x)[1:3] * 2) == [2, 8, 12, 3]
    assert _static(lambda x: tk.cast(tk.cast(tk.shape(x)[1:3], tk.float32) * 1.5,
                                     tk.int32)) == [2, 6, 9, 3]
    assert _static(lambda x: p2, (None, None, None, 3)) == [None, None, None, 3]
    partial = (2, 4, None, 3)
    assert _static(lambda x: tk.shape(x)[1:3] * 2, partial) == [2, None, None, 3]
    assert _static(lambda x: [2 * tk.shape(x)[1], 2 * tk.shape(x)[2]],
                   partial) == [2, None, None, 3]
    assert _static(lambda x: tk.shape(x)[1:3], partial) == [2, 4, None, 3]
    assert tk.image.resize_images(X[0], p2).shape.as_list() == [None, None, 3]
    assert tk.image.resize_bilinear(X, tk.constant([0, 3])).shape.as_list() == [2, 0, 3, 3]


def test_same_size_skips_only_when_known_at_build_time():
    u8 = tk.constant((X * 255).astype(np.uint8))
    same = tk.image.resize_images(u8, tk.shape(u8)[1:3])  # TF returns the image: uint8
    assert same.dtype == tk.uint8 and same.op.type == "Const"
    p = tk.placeholder(tk.int32, [2])
    fed = tk.image.resize_images(u8, p)  # TF resizes: float32 of the same values
    got = _run(fed, {p: [4, 6]})
    assert fed.dtype == tk.float32 and got.shape == (2, 4, 6, 3)
    np.testing.assert_array_equal(got, (X * 255).astype(np.uint8).astype(np.float32))


def test_preserve_aspect_ratio_matches_tf():
    x = tk.constant(X)
    p = tk.placeholder(tk.int32, [2])
    a = tk.image.resize_images(x, [6, 6], preserve_aspect_ratio=True)
    b = tk.image.resize_images(x, [9, 30], preserve_aspect_ratio=True, method=1)
    c = tk.image.resize_images(x, p, preserve_aspect_ratio=True)
    assert a.shape.as_list() == [2, 4, 6, 3] and b.shape.as_list() == [2, 9, 14, 3]
    assert c.shape.as_list() == [2, None, None, 3]
    av, bv, cv = _run([a, b, c], {p: [3, 3]})
    assert cv.shape == (2, 2, 3, 3)
    # float32 sums, TF 2.21
    np.testing.assert_allclose([av.sum(), bv.sum(), cv.sum()],
                               [72.29927, 381.7243, 20.877188], rtol=1e-6)


def test_bad_sizes_raise_at_build_time_like_tf():
    x = tk.constant(X)
    cases = [
        (lambda: tk.image.resize_images(x, tk.placeholder(tk.int32, [3])), "2 elements"),
        (lambda: tk.image.resize_images(x, tk.placeholder(tk.float32, [2])), "int32"),
        (lambda: tk.image.resize_images(x, tk.placeholder(tk.int64, [2])), "int32"),
        (lambda: tk.image.resize_images(x, [2.5, 3]), "int32"),
        (lambda: tk.image.resize_images(x, [3.0, 5.0]), "int32"),
        (lambda: tk.image.resize_images(x, [-2, 3]), "-2 must be >= 0"),
        (lambda: tk.image.resize_images(x, tk.constant([-2, 3])), "-2 must be >= 0"),
        (lambda: tk.image.resize_images(x, [3, 5], method=7), "not implemented"),
        (lambda: tk.image.resize_images(tk.placeholder(tk.float32), [3, 5]), "image"),
    ]
    for raw in RAW.values():
        fn = getattr(tk.image, raw)
        cases += [(lambda fn=fn: fn(x[0], tk.placeholder(tk.int32, [2])), "rank 4"),
                  (lambda fn=fn: fn(x, tk.placeholder(tk.int32, [3])), "2 elements")]
    for build, match in cases:
        with pytest.raises(ValueError, match=match):
            build()


@pytest.mark.parametrize("raw", list(RAW.values()))
def test_bad_fed_sizes_raise_invalid_argument_when_run(raw):
    x = tk.constant(X)
    p = tk.placeholder(tk.int32, [2])
    y = getattr(tk.image, raw)(x, p)
    q = tk.placeholder(tk.int32)
    z = tk.image.resize_images(x, q)
    with tk.Session() as sess:
        assert sess.run(y, {p: [1, 1]}).shape == (2, 1, 1, 3)
        for bad in ([-1, 3], [0, 3], [3, 0]):
            with pytest.raises(tk.errors.InvalidArgumentError, match="positive"):
                sess.run(y, {p: bad})
        for bad in ([1, 2, 3], [[1, 2]], 3):
            with pytest.raises(tk.errors.InvalidArgumentError, match="2 elements"):
                sess.run(z, {q: bad})
    zero = tk.image.resize_images(x, tk.constant([0, 3]))  # TF: builds, fails when run
    with pytest.raises(tk.errors.InvalidArgumentError, match="positive"):
        _run(zero)


@pytest.mark.parametrize("method", [0, 1, 2])
def test_gradient_with_a_run_time_size_matches_finite_differences(method):
    x = np.random.RandomState(1).rand(2, 3, 4, 2)
    check_grad(lambda a: tk.image.resize_images(a, tk.shape(a)[1:3] * 2 - 1, method=method,
                                                align_corners=True), x)
    check_grad(lambda a: tk.image.resize_images(a, tk.shape(a)[1:3] - 1, method=method), x)


def test_nearest_gradient_of_an_image_of_unknown_size_and_area_has_none():
    ph = tk.placeholder(tk.float32, [None, None, None, 2])
    p = tk.placeholder(tk.int32, [2])
    y = tk.image.resize_nearest_neighbor(ph, p)
    g = tk.gradients(tk.reduce_sum(y * y), ph)[0]
    x = np.random.RandomState(2).rand(1, 3, 2, 2).astype(np.float32)
    got = _run(g, {ph: x, p: [6, 5]})
    rows, cols = np.floor(np.arange(6) * 0.5).astype(int), np.floor(np.arange(5) * 0.4)
    counts = np.zeros((3, 2))
    np.add.at(counts, (rows[:, None], cols.astype(int)[None, :]), 1.0)
    np.testing.assert_allclose(got, 2 * x * counts[None, :, :, None], rtol=1e-6)
    area = tk.image.resize_area(ph, p)
    with pytest.raises(LookupError, match="ResizeArea"):
        tk.gradients(tk.reduce_sum(area), ph)
