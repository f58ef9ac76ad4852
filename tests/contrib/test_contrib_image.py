"""``tk.contrib.image`` transforms against TF 2.21's ``ImageProjectiveTransformV2`` (the
kernel TF 1.15's contrib called; numbers in contrib_image_reference.json, recorded by
make_contrib_image_reference.py), the helper math and the image border against hand
computations, and gradients against TF 2.21's registered rule and finite differences."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors

REF = json.loads((Path(__file__).parent / "contrib_image_reference.json").read_text())
CASES = [k for k in REF if not k.startswith("_")]


def _run(fetch, feed=None):
    with tf.Session() as s:
        return s.run(fetch, feed)


@pytest.mark.parametrize("name", CASES)
def test_transform_matches_tf_kernel(name):
    case = REF[name]
    img = np.asarray(case["images"], dtype=case["dtype"])
    out = tf.contrib.image.transform(img, np.asarray(case["transforms"], np.float32),
                                     case["interpolation"], output_shape=case["output_shape"])
    assert out.dtype.name == case["dtype"]
    got = _run(out)
    want = np.asarray(case["output"], dtype=case["dtype"])
    assert got.shape == want.shape and np.mean(want == 0) < 0.5
    tol = 0 if case["dtype"] == "uint8" else 1e-5
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", [k for k in CASES if "grad" in REF[k]])
def test_gradient_is_tf_inverse_transform_rule(name):
    case = REF[name]
    img = np.asarray(case["images"], np.float32)
    x = tf.placeholder(tf.float32, img.shape)
    y = tf.contrib.image.transform(x, case["transforms"], case["interpolation"],
                                   output_shape=case["output_shape"])
    g = _run(tf.gradients(y, x, grad_ys=np.asarray(case["dy"], np.float32))[0], {x: img})
    np.testing.assert_allclose(g, np.asarray(case["grad"], np.float32), rtol=1e-5, atol=1e-5)


def test_image_border_by_hand():
    """Neighbours outside the image read as 0, so a point up to one pixel outside still
    blends (BILINEAR) or rounds onto (NEAREST) the edge."""
    row = np.array([[2.0, 4.0, 8.0]], np.float32)
    bil = tf.contrib.image.translate(row, [0.5, 0.0], "BILINEAR")
    # x -> x - 0.5: -0.5 blends 0 and 2; 0.5 blends 2, 4; 1.5 blends 4, 8.
    np.testing.assert_allclose(_run(bil), [[1.0, 3.0, 6.0]])
    near = tf.contrib.image.translate(row, [-0.4, 0.0])
    np.testing.assert_allclose(_run(near), row)  # 2.4 rounds to column 2
    half = tf.contrib.image.translate(row, [-0.5, 0.0])   # halves round away from zero
    np.testing.assert_allclose(_run(half), [[4.0, 8.0, 0.0]])


def test_ranks_and_shared_or_batched_transforms():
    rng = np.random.RandomState(0)
    img = rng.uniform(0, 1, [2, 5, 6, 3]).astype(np.float32)
    t = np.array([[1, 0, -1, 0, 1, 1, 0, 0], [0.9, 0.1, 0.2, -0.1, 1.0, 0.3, 0, 0]],
                 np.float32)
    batch = _run(tf.contrib.image.transform(img, t, "bilinear"))
    one = _run(tf.contrib.image.transform(img, t[1], "BILINEAR"))
    hwc = _run(tf.contrib.image.transform(img[1], t[1], "BILINEAR"))
    hw = _run(tf.contrib.image.transform(img[1, :, :, 0], t[1], "BILINEAR"))
    np.testing.assert_array_equal(one[1], batch[1])
    np.testing.assert_array_equal(hwc, batch[1])
    np.testing.assert_array_equal(hw, batch[1, :, :, 0])
    # Shift by (+1, -1): out[y, x] = in[y + 1, x - 1]; output_shape crops/extends.
    shifted = _run(tf.contrib.image.transform(img[0], t[0], output_shape=[4, 8]))
    want = np.zeros([4, 8, 3], np.float32)
    want[:, 1:7] = img[0, 1:5, 0:6]
    np.testing.assert_array_equal(shifted, want)
    assert tf.contrib.image.transform(img, t, output_shape=[4, 8]).shape.as_list() == [2, 4, 8, 3]
    fed = tf.contrib.image.transform(img, t, output_shape=tf.placeholder(tf.int32, [2]))
    assert fed.shape.as_list() == [2, None, None, 3]


def test_rotate_quarter_turn_is_rot90_and_uint8_kept():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    out = tf.contrib.image.rotate(img, math.pi / 2)
    assert out.dtype == tf.uint8
    np.testing.assert_array_equal(_run(out), np.rot90(img))
    batch = np.stack([img, img])[..., None].astype(np.float32)
    both = _run(tf.contrib.image.rotate(batch, [math.pi / 2, math.pi]))
    np.testing.assert_array_equal(both[0, :, :, 0], np.rot90(img))
    np.testing.assert_array_equal(both[1, :, :, 0], np.rot90(img, 2))


def test_helper_math_by_hand():
    a = np.array([0.3, -1.2], np.float32)
    h, w = 5.0, 7.0
    got = _run(tf.contrib.image.angles_to_projective_transforms(a, h, w))
    c, s = np.cos(a.astype(np.float64)), np.sin(a.astype(np.float64))
    xo = ((w - 1) - (c * (w - 1) - s * (h - 1))) / 2
    yo = ((h - 1) - (s * (w - 1) + c * (h - 1))) / 2
    want = np.stack([c, -s, xo, s, c, yo, 0 * c, 0 * c], 1)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    scalar = _run(tf.contrib.image.angles_to_projective_transforms(0.3, h, w))
    np.testing.assert_allclose(scalar, want[:1], rtol=1e-6, atol=1e-6)
    tr = _run(tf.contrib.image.translations_to_projective_transforms([[2, -3], [0.5, 1]]))
    np.testing.assert_array_equal(tr, [[1, 0, -2, 0, 1, 3, 0, 0], [1, 0, -0.5, 0, 1, -1, 0, 0]])
    assert _run(tf.contrib.image.translations_to_projective_transforms([1, 2])).shape == (1, 8)
    # Rotations about one centre compose by adding angles.
    r = [tf.contrib.image.angles_to_projective_transforms(v, h, w) for v in (0.3, 0.5, 0.8)]
    np.testing.assert_allclose(*_run([tf.contrib.image.compose_transforms(r[0], r[1]), r[2]]),
                               atol=1e-5)
    flat = np.array([1, 2, 3, 4, 5, 6, 7, 8], np.float32)
    m = _run(tf.contrib.image.flat_transforms_to_matrices(flat))
    np.testing.assert_array_equal(m, [[[1, 2, 3], [4, 5, 6], [7, 8, 1]]])
    back = _run(tf.contrib.image.matrices_to_flat_transforms(2 * m[0]))   # / bottom-right
    np.testing.assert_array_equal(back, flat[None])


def _numeric_grad(f, x, dy, eps=2.0 ** -6):
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[idx] += eps
        lo[idx] -= eps
        num[idx] = (np.sum(f(hi) * dy) - np.sum(f(lo) * dy)) / (2 * eps)
    return num


@pytest.mark.parametrize("kind", ["shift_nearest", "shift_bilinear", "quarter_turn"])
def test_gradient_matches_finite_differences_where_exact(kind):
    """Where the transform permutes pixels the inverse-transform rule is the adjoint. Values
    and the step are multiples of 1/64, exact through the kernel's float32 blending."""
    rng = np.random.RandomState(3)
    img = rng.randint(-64, 65, [1, 4, 4, 2]) / 64.0
    x = tf.placeholder(tf.float64, img.shape)
    if kind == "quarter_turn":
        y = tf.contrib.image.rotate(x, math.pi / 2)
    else:
        y = tf.contrib.image.translate(x, [1, -2], kind.split("_")[1].upper())
    dy = rng.randint(-64, 65, img.shape) / 64.0
    with tf.Session() as s:
        g = s.run(tf.gradients(y, x, grad_ys=dy)[0], {x: img})
        num = _numeric_grad(lambda v: s.run(y, {x: v}), img, dy)
    np.testing.assert_allclose(g, num, atol=1e-12)
    assert np.abs(g).sum() > 0


def _np_warp(image, flow):
    """TF 1.15's dense_image_warp per pixel: clamp the lower corner to [0, size - 2] and
    the fraction to [0, 1]."""
    b, h, w, c = image.shape
    out = np.zeros_like(image)
    for n, i, j in np.ndindex(b, h, w):
        qy, qx = i - flow[n, i, j, 0], j - flow[n, i, j, 1]
        fy = min(max(0.0, math.floor(qy)), h - 2)
        fx = min(max(0.0, math.floor(qx)), w - 2)
        ay, ax = min(max(qy - fy, 0.0), 1.0), min(max(qx - fx, 0.0), 1.0)
        fy, fx = int(fy), int(fx)
        top = image[n, fy, fx] + ax * (image[n, fy, fx + 1] - image[n, fy, fx])
        bot = image[n, fy + 1, fx] + ax * (image[n, fy + 1, fx + 1] - image[n, fy + 1, fx])
        out[n, i, j] = top + ay * (bot - top)
    return out


def test_dense_image_warp_values_and_gradients():
    rng = np.random.RandomState(5)
    image = rng.uniform(-1, 1, [2, 4, 5, 2])
    flow = rng.uniform(-1.6, 1.6, [2, 4, 5, 2])
    xi = tf.placeholder(tf.float64, image.shape)
    xf = tf.placeholder(tf.float64, flow.shape)
    y = tf.contrib.image.dense_image_warp(xi, xf)
    dy = rng.uniform(-1, 1, image.shape)
    gi, gf = tf.gradients(y, [xi, xf], grad_ys=dy)
    with tf.Session() as s:
        feed = {xi: image, xf: flow}
        got, agi, agf = s.run([y, gi, gf], feed)
        ni = _numeric_grad(lambda v: s.run(y, {xi: v, xf: flow}), image, dy, 1e-6)
        nf = _numeric_grad(lambda v: s.run(y, {xi: image, xf: v}), flow, dy, 1e-6)
    np.testing.assert_allclose(got, _np_warp(image, flow), atol=1e-12)
    np.testing.assert_allclose(agi, ni, atol=1e-6)
    np.testing.assert_allclose(agf, nf, atol=1e-6)


def test_connected_components_by_hand():
    imgs = np.array([[[1, 1, 0, 2],
                      [0, 1, 0, 2],
                      [3, 0, 1, 1]],
                     [[0, 0, 0, 0],
                      [5, 5, 0, 5],
                      [5, 0, 0, 5]]])
    got = _run(tf.contrib.image.connected_components(imgs))
    want = [[[1, 1, 0, 2], [0, 1, 0, 2], [3, 0, 4, 4]],
            [[0, 0, 0, 0], [5, 5, 0, 6], [5, 0, 0, 6]]]
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64
    spiral = np.array([[1, 1, 1, 1], [0, 0, 0, 1], [1, 1, 0, 1], [1, 0, 0, 1], [1, 1, 1, 1]],
                      bool)
    np.testing.assert_array_equal(_run(tf.contrib.image.connected_components(spiral)),
                                  spiral.astype(np.int64))
    assert np.all(_run(tf.contrib.image.connected_components(np.zeros([2, 3]))) == 0)


def test_bad_inputs_raise_typed_errors():
    ci = tf.contrib.image
    img = np.zeros([2, 3, 3, 1], np.float32)
    with pytest.raises(TypeError, match="rank between 2 and 4"):
        ci.transform(np.zeros([3], np.float32), [1, 0, 0, 0, 1, 0, 0, 0])
    with pytest.raises(TypeError, match="rank between 2 and 4"):
        ci.rotate(np.zeros([1, 1, 2, 2, 1], np.float32), 0.1)
    with pytest.raises(TypeError, match="rank must be statically known"):
        ci.transform(tf.placeholder(tf.float32), [1, 0, 0, 0, 1, 0, 0, 0])
    with pytest.raises(TypeError, match="Invalid dtype"):
        ci.transform(np.zeros([2, 2], np.int16), [1, 0, 0, 0, 1, 0, 0, 0])
    with pytest.raises(TypeError, match="Transforms should have rank 1 or 2"):
        ci.transform(img, np.zeros([1, 1, 8]))
    with pytest.raises(ValueError, match="interpolation must be one of"):
        ci.transform(img, [1, 0, 0, 0, 1, 0, 0, 0], "BICUBIC")
    with pytest.raises(ValueError, match="interpolation must be one of"):
        ci.rotate(img, 0.1, interpolation=None)
    with pytest.raises(ValueError, match="output_shape must be a 1-D Tensor of 2"):
        ci.transform(img, [1, 0, 0, 0, 1, 0, 0, 0], output_shape=[1, 2, 3])
    with pytest.raises(TypeError, match="Angles should have rank 0 or 1"):
        ci.angles_to_projective_transforms([[0.1]], 3.0, 3.0)
    with pytest.raises(TypeError, match="Translations should have rank 1 or 2"):
        ci.translations_to_projective_transforms(np.zeros([1, 1, 2]))
    with pytest.raises(ValueError, match="1D or 2D"):
        ci.flat_transforms_to_matrices(np.zeros([1, 1, 8]))
    with pytest.raises(ValueError, match="2D or 3D"):
        ci.matrices_to_flat_transforms(np.zeros([1, 1, 3, 3]))
    with pytest.raises(ValueError, match="at least one"):
        ci.compose_transforms()
    with pytest.raises(TypeError, match="rank 2"):
        ci.connected_components(np.zeros([4]))
    with pytest.raises(ValueError, match="dense_image_warp needs"):
        ci.dense_image_warp(np.zeros([3, 3, 1]), np.zeros([3, 3, 2]))
    with pytest.raises(ValueError, match="height must be at least 2"):
        ci.dense_image_warp(np.zeros([1, 1, 3, 1]), np.zeros([1, 1, 3, 2]))
    with pytest.raises(ValueError, match="Indexing mode"):
        ci.interpolate_bilinear(np.zeros([1, 3, 3, 1]), np.zeros([1, 2, 2]), indexing="yx")


def test_bad_runtime_shapes_raise_invalid_argument():
    t = tf.placeholder(tf.float32, [None, 8])
    hw = tf.placeholder(tf.int32, [2])
    y = tf.contrib.image.transform(np.zeros([2, 3, 3, 1], np.float32), t, output_shape=hw)
    with tf.Session() as s:
        with pytest.raises(errors.InvalidArgumentError, match="num_images x 8 or 1 x 8"):
            s.run(y, {t: np.zeros([3, 8]), hw: [3, 3]})
        with pytest.raises(errors.InvalidArgumentError, match="must be positive"):
            s.run(y, {t: np.zeros([1, 8]), hw: [0, 3]})
