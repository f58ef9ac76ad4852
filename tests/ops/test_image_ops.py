"""tf.image functions: values against TF 2.21 (tf.compat.v1.image, numbers printed once and
written here), NumPy references, properties of the random ones, finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _img():
    return np.random.RandomState(0).rand(1, 4, 5, 2).astype(np.float32)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


# First 12 values of each output, from TensorFlow 2.21 for the same inputs.
TF_RESIZE = {
    ((7, 3), 0, False): [0.54881352186203, 0.7151893377304077, 0.48335766792297363,
                         0.6122238039970398, 0.6129456758499146, 0.7223291993141174,
                         0.6876201033592224, 0.6087353825569153, 0.34241360425949097,
                         0.4718778729438782, 0.4186135530471802, 0.7924747467041016],
    ((7, 3), 0, True): [0.54881352186203, 0.7151893377304077, 0.42365479469299316,
                        0.6458941102027893, 0.9636627435684204, 0.3834415078163147,
                        0.670269250869751, 0.6220421195030212, 0.24734541773796082,
                        0.3665117025375366, 0.8709097504615784, 0.6267268657684326],
    ((7, 8), 1, False): [0.54881352186203, 0.7151893377304077, 0.54881352186203,
                         0.7151893377304077, 0.6027633547782898, 0.5448831915855408,
                         0.6027633547782898, 0.5448831915855408, 0.42365479469299316,
                         0.6458941102027893, 0.4375872015953064, 0.891772985458374],
    ((7, 8), 1, True): [0.54881352186203, 0.7151893377304077, 0.6027633547782898,
                        0.5448831915855408, 0.6027633547782898, 0.5448831915855408,
                        0.42365479469299316, 0.6458941102027893, 0.42365479469299316,
                        0.6458941102027893, 0.4375872015953064, 0.891772985458374],
    ((2, 2), 0, False): [0.54881352186203, 0.7151893377304077, 0.4306209981441498,
                         0.7688335180282593, 0.978618323802948, 0.7991585731506348,
                         0.1308138519525528, 0.792294979095459],
}


def _np_bilinear(x, oh, ow, align):
    n, h, w, c = x.shape
    sh = (h - 1) / (oh - 1) if align and oh > 1 else h / oh
    sw = (w - 1) / (ow - 1) if align and ow > 1 else w / ow
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        y = i * sh
        y0, fy = int(np.floor(y)), y - np.floor(y)
        y1 = min(y0 + 1, h - 1)
        for j in range(ow):
            xx = j * sw
            x0, fx = int(np.floor(xx)), xx - np.floor(xx)
            x1 = min(x0 + 1, w - 1)
            top = x[:, y0, x0] + (x[:, y0, x1] - x[:, y0, x0]) * fx
            bot = x[:, y1, x0] + (x[:, y1, x1] - x[:, y1, x0]) * fx
            out[:, i, j] = top + (bot - top) * fy
    return out


@pytest.mark.parametrize("key", list(TF_RESIZE))
def test_resize_images_matches_tf(key):
    size, method, align = key
    x = _img()
    out = _run(tk.image.resize_images(x, list(size), method=method, align_corners=align))
    assert out.shape == (1, *size, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out.reshape(-1)[:12], TF_RESIZE[key], rtol=2e-6)
    if method == 0:
        np.testing.assert_allclose(out, _np_bilinear(x, *size, align), rtol=1e-5)


@pytest.mark.parametrize("key", list(TF_RESIZE))
def test_resize_images_of_unknown_size_matches_tf(key):
    """A decoded JPEG's height and width are known only when the graph runs (``tf.data``
    maps of ``decode_jpeg``): the same TF numbers as the static path, the same dtype."""
    size, method, align = key
    x = _img()
    ph = tk.placeholder(tk.float32, [None, None, None, 2])
    y = tk.image.resize_images(ph, list(size), method=method, align_corners=align)
    assert y.shape.as_list() == [None, *size, 2]
    out = _run(y, {ph: x})
    assert out.shape == (1, *size, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out.reshape(-1)[:12], TF_RESIZE[key], rtol=2e-6)
    np.testing.assert_array_equal(out, _run(tk.image.resize_images(
        x, list(size), method=method, align_corners=align)))


def test_resize_of_unknown_size_keeps_dtype_and_gradient():
    u8 = (np.random.RandomState(5).rand(3, 4, 1) * 255).astype(np.uint8)
    ph = tk.placeholder(tk.uint8, [None, None, 1])
    near = _run(tk.image.resize_images(ph, [5, 6], method=tk.image.ResizeMethod.NEAREST_NEIGHBOR),
                {ph: u8})
    assert near.dtype == np.uint8
    np.testing.assert_array_equal(near, _run(tk.image.resize_images(
        u8, [5, 6], method=tk.image.ResizeMethod.NEAREST_NEIGHBOR)))
    x = np.random.RandomState(1).rand(2, 3, 4, 2)
    xp = tk.placeholder(tk.float64, [None, None, None, 2])
    y = tk.image.resize_images(xp, [5, 3], align_corners=True)
    w = np.random.RandomState(2).rand(2, 5, 3, 2)
    g = tk.gradients(tk.reduce_sum(y * w), xp)[0]
    with tk.Session() as sess:
        got = sess.run(g, {xp: x})
    xs = tk.placeholder(tk.float64, x.shape)
    want = tk.gradients(tk.reduce_sum(tk.image.resize_images(xs, [5, 3], align_corners=True) * w),
                        xs)[0]
    with tk.Session() as sess:
        np.testing.assert_allclose(got, sess.run(want, {xs: x}), rtol=1e-12)


def test_resize_uint8_3d_and_gradient():
    u8 = (np.random.RandomState(5).rand(3, 4, 1) * 255).astype(np.uint8)
    out = _run(tk.image.resize_images(u8, [5, 6]))
    assert out.shape == (5, 6, 1) and out.dtype == np.float32
    np.testing.assert_allclose(_np_bilinear(u8[None].astype(np.float64), 5, 6, False)[0], out,
                               rtol=1e-5)
    near = _run(tk.image.resize_images(u8, [5, 6], method=tk.image.ResizeMethod.NEAREST_NEIGHBOR))
    assert near.dtype == np.uint8
    check_grad(lambda a: tk.image.resize_images(a, [5, 3], align_corners=True),
               np.random.RandomState(1).rand(2, 3, 4, 2))
    with pytest.raises(ValueError, match="'size' must be a 1-D Tensor of 2 elements"):
        tk.image.resize_images(u8, [5])
    with pytest.raises(ValueError, match="Resize method is not implemented"):
        tk.image.resize_images(u8, [5, 6], method=7)
    for method, raw in ((tk.image.ResizeMethod.BICUBIC, tk.image.resize_bicubic),
                        (tk.image.ResizeMethod.AREA, tk.image.resize_area)):
        got = _run(tk.image.resize_images(u8, [5, 6], method=method))
        assert got.shape == (5, 6, 1) and got.dtype == np.float32
        np.testing.assert_array_equal(got, _run(raw(u8[None], [5, 6]))[0])


def test_standardization_crop_pad_convert_match_tf():
    x = _img()
    pad = _run(tk.image.resize_image_with_crop_or_pad(x[0], 7, 3))
    assert pad.shape == (7, 3, 2)
    ref = np.zeros((7, 3, 2), np.float32)
    ref[1:5] = x[0, :, 1:4]  # pad 3 rows (1 before), crop 5 -> 3 columns from offset 1
    np.testing.assert_array_equal(pad, ref)
    cc = _run(tk.image.central_crop(x[0], 0.5))
    np.testing.assert_array_equal(cc, x[0, 1:3, 1:4])  # TF: start int((4-2)/2), int(2.5/2)
    assert _run(tk.image.central_crop(x[0], 1.0)).shape == (4, 5, 2)
    u8 = np.arange(12, dtype=np.uint8).reshape(3, 4, 1) * 20
    std = _run(tk.image.per_image_standardization(u8))
    f = u8.astype(np.float64)
    np.testing.assert_allclose(std, (f - f.mean()) / max(f.std(), 1 / np.sqrt(12)), rtol=1e-5)
    flat = _run(tk.image.per_image_standardization(np.ones((2, 2, 1), np.float32)))
    np.testing.assert_array_equal(flat, 0.0)  # stddev floor 1/sqrt(N) avoids 0/0
    cvt = _run(tk.image.convert_image_dtype(u8, tk.float32))
    np.testing.assert_allclose(cvt, u8 / 255.0, rtol=1e-6)
    back = _run(tk.image.convert_image_dtype(x, tk.uint8))
    np.testing.assert_array_equal(back.reshape(-1)[:6], [140, 182, 154, 139, 108, 165])  # TF
    with pytest.raises(ValueError, match="central_fraction"):
        tk.image.central_crop(x[0], 0.0)
    with pytest.raises(ValueError, match="target_height must be > 0"):
        tk.image.resize_image_with_crop_or_pad(x[0], 0, 3)
    with pytest.raises(ValueError, match="must be 3-D"):
        tk.image.per_image_standardization(np.ones((2, 2)))
    check_grad(lambda a: tk.image.per_image_standardization(a),
               np.random.RandomState(2).rand(3, 2, 2))


def test_random_flips_brightness_contrast_and_crop():
    x = np.arange(2 * 3 * 4 * 1, dtype=np.float32).reshape(2, 3, 4, 1)
    lr = tk.image.random_flip_left_right(x, seed=3)
    ud = tk.image.random_flip_up_down(x[0], seed=4)
    br = tk.image.random_brightness(x, 0.5, seed=5)
    ct = tk.image.random_contrast(x, 0.2, 0.8, seed=6)
    crop = tk.random_crop(x[0], [2, 2, 1], seed=7)
    seen_lr, seen_ud, offsets = set(), set(), set()
    with tk.Session() as sess:
        for _ in range(30):
            a, b, c, d, e = sess.run([lr, ud, br, ct, crop])
            for i in range(2):
                seen_lr.add(bool(np.array_equal(a[i], x[i, :, ::-1])))
                assert np.array_equal(a[i], x[i, :, ::-1]) or np.array_equal(a[i], x[i])
            seen_ud.add(bool(np.array_equal(b, x[0, ::-1])))
            delta = c - x
            # one delta for the whole image, up to float32 round-off of x + delta
            assert np.allclose(delta, delta.flat[0], atol=1e-5) and -0.5 <= delta.flat[0] <= 0.5
            m = x.mean((1, 2), keepdims=True)
            factor = (d - m)[0, 0, 0, 0] / (x - m)[0, 0, 0, 0]
            np.testing.assert_allclose(d, (x - m) * factor + m, rtol=1e-5, atol=1e-5)
            assert 0.2 <= factor <= 0.8
            r, q = np.argwhere(x[0, :, :, 0] == e[0, 0, 0])[0]
            np.testing.assert_array_equal(e, x[0, r:r + 2, q:q + 2])
            offsets.add((r, q))
    assert seen_lr == {True, False} and seen_ud == {True, False}
    assert len(offsets) > 3  # 2 x 3 possible offsets
    with pytest.raises(ValueError, match="max_delta"):
        tk.image.random_brightness(x, -1.0)
    with pytest.raises(ValueError, match="upper must be > lower"):
        tk.image.random_contrast(x, 0.5, 0.5)
    too_big = tk.random_crop(x[0], [4, 2, 1])  # TF 2.21: builds, fails when run
    assert too_big.shape.as_list() == [4, 2, 1]
    with pytest.raises(tk.errors.InvalidArgumentError, match="Need value.shape >= size"):
        _run(too_big)


def test_deterministic_flips_and_resize_aliases():
    x = _img()
    with tk.Session() as sess:
        lr, ud, one = sess.run([tk.image.flip_left_right(x), tk.image.flip_up_down(x),
                                tk.image.flip_left_right(x[0])])
        bl = sess.run(tk.image.resize_bilinear(x, [7, 3], align_corners=True))
        nn = sess.run(tk.image.resize_nearest_neighbor(x, [7, 8]))
        crop = sess.run(tk.image.random_crop(x[0], [2, 2, 2], seed=1))
    np.testing.assert_array_equal(lr, x[:, :, ::-1])
    np.testing.assert_array_equal(ud, x[:, ::-1])
    np.testing.assert_array_equal(one, x[0, :, ::-1])
    np.testing.assert_allclose(bl.reshape(-1)[:12], TF_RESIZE[((7, 3), 0, True)], rtol=2e-6)
    np.testing.assert_allclose(nn.reshape(-1)[:12], TF_RESIZE[((7, 8), 1, False)], rtol=2e-6)
    assert crop.shape == (2, 2, 2)
    with pytest.raises(NotImplementedError, match="half_pixel_centers"):
        tk.image.resize_bicubic(x, [2, 2], half_pixel_centers=True)


# resize_images of a 1x3x4x1 image (arange(12) ** 1.5) fed through a placeholder of
# unknown height and width, to 5x6, and the gradient of sum(out * arange(30)): TF 2.21
# (compat.v1), rounded to 6 places. (method, align_corners) -> (output, gradient).
TF_RESIZE_AT_RUN = {
    (0, False): (
        [[0.0, 0.666667, 1.609476, 2.828427, 4.406911, 5.196153],
         [4.8, 6.338803, 8.055314, 9.949534, 12.110256, 13.190617],
         [10.925484, 13.204677, 15.590218, 18.082108, 20.769224, 22.112782],
         [19.701935, 22.458025, 25.303249, 28.23761, 31.339436, 32.89035],
         [22.627417, 25.542473, 28.540926, 31.622776, 34.862839, 36.482872]],
        [[3.666666, 6.0, 10.999999, 14.733334], [22.933331, 25.599997, 35.999996, 40.266666],
         [55.066666, 58.400002, 78.0, 83.333344]]),
    (0, True): (
        [[0.0, 0.6, 1.365685, 2.462742, 3.775517, 5.196153],
         [4.0, 5.254102, 6.624672, 8.22818, 10.000893, 11.858206],
         [8.0, 9.908204, 11.883659, 13.993619, 16.226267, 18.520258],
         [15.313708, 17.579586, 19.904106, 22.345921, 24.896542, 27.501564],
         [22.627417, 25.250967, 27.924555, 30.698221, 33.566814, 36.482872]],
        [[4.8, 8.999999, 12.6, 14.1], [34.399998, 43.999996, 48.799999, 46.800003],
         [46.799999, 56.999996, 60.599998, 56.100006]]),
    (1, False): (
        [[0.0, 0.0, 1.0, 2.828427, 2.828427, 5.196153],
         [0.0, 0.0, 1.0, 2.828427, 2.828427, 5.196153],
         [8.0, 8.0, 11.18034, 14.696939, 14.696939, 18.520258],
         [8.0, 8.0, 11.18034, 14.696939, 14.696939, 18.520258],
         [22.627417, 22.627417, 27.0, 31.622776, 31.622776, 36.482872]],
        [[14.0, 10.0, 26.0, 16.0], [62.0, 34.0, 74.0, 40.0], [49.0, 26.0, 55.0, 29.0]]),
    (1, True): (
        [[0.0, 1.0, 1.0, 2.828427, 2.828427, 5.196153],
         [8.0, 11.18034, 11.18034, 14.696939, 14.696939, 18.520258],
         [8.0, 11.18034, 11.18034, 14.696939, 14.696939, 18.520258],
         [22.627417, 27.0, 27.0, 31.622776, 31.622776, 36.482872],
         [22.627417, 27.0, 27.0, 31.622776, 31.622776, 36.482872]],
        [[0.0, 3.0, 7.0, 5.0], [18.0, 42.0, 50.0, 28.0], [42.0, 90.0, 98.0, 52.0]]),
}


@pytest.mark.parametrize("key", list(TF_RESIZE_AT_RUN))
def test_resize_images_of_unknown_height_and_width_matches_tf(key):
    method, align = key
    v = (np.arange(12, dtype=np.float32).reshape(1, 3, 4, 1) ** 1.5)
    x = tk.placeholder(tk.float32, [None, None, None, 1])
    y = tk.image.resize_images(x, [5, 6], method=method, align_corners=align)
    assert y.shape.as_list() == [None, 5, 6, 1]
    g = tk.gradients(tk.reduce_sum(y * np.arange(30.0, dtype=np.float32).reshape(1, 5, 6, 1)),
                     x)[0]
    out, grad = _run([y, g], {x: v})
    want_out, want_grad = TF_RESIZE_AT_RUN[key]
    np.testing.assert_allclose(out[0, :, :, 0], want_out, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(grad[0, :, :, 0], want_grad, rtol=2e-6, atol=1e-6)
    # the same sampling as when the size is known at graph-build time
    static = tk.image.resize_images(v, [5, 6], method=method, align_corners=align)
    np.testing.assert_array_equal(out, _run(static))


def test_flips_of_an_image_of_unknown_rank():
    """TF 2.21 picks the axis when the graph runs (a cond on the rank)."""
    x = np.arange(2 * 5 * 6 * 2, dtype=np.float32).reshape(2, 5, 6, 2)
    p = tk.placeholder(tk.float32)
    lr, ud = tk.image.flip_left_right(p), tk.image.flip_up_down(p)
    assert lr.shape.ndims is None
    with tk.Session() as sess:
        got = sess.run(lr, {p: x[0]})
        assert float((got * np.arange(got.size).reshape(got.shape)).sum()) == 68810.0  # TF
        np.testing.assert_array_equal(got, x[0, :, ::-1])
        np.testing.assert_array_equal(sess.run(lr, {p: x}), x[:, :, ::-1])
        np.testing.assert_array_equal(sess.run(ud, {p: x[0]}), x[0, ::-1])
        np.testing.assert_array_equal(sess.run(ud, {p: x}), x[:, ::-1])
