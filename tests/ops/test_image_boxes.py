"""non_max_suppression, crop_and_resize (values and the image gradient),
draw_bounding_boxes against TF 2.21 (tf.compat.v1 on the same seeded inputs; shape, sum
and index-weighted sum recorded below), and sample_distorted_bounding_box's contract."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

IMG = np.random.default_rng(5).uniform(0, 1, (2, 6, 7, 3))
BOXES = [[0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9], [0.5, 0.5, 0.4, 0.3], [-0.2, 0.1, 0.8, 1.3]]
TF = {
    "car": ((4, 3, 4, 3), 57.33332589548081, 3685.245514269918),
    "car1": ((4, 1, 5, 3), 23.680378288030624, 597.1181067079306),
    "carn": ((4, 4, 3, 3), 62.993385197989596, 3973.1093233295273),
    "car_g": ((2, 6, 7, 3), 2.598639039322734, 325.3694962291047),
    "draw": ((1, 5, 6, 3), 24.0, 876.0)}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        img = tk.constant(IMG, tk.float32)
        boxes = tk.constant(BOXES, tk.float32)
        r = {"car": tk.image.crop_and_resize(img, boxes, [0, 1, 1, 0], [3, 4]),
             "car1": tk.image.crop_and_resize(img, boxes, [1, 0, 1, 0], [1, 5],
                                              extrapolation_value=-1.),
             "carn": tk.image.crop_and_resize(img, boxes, [0, 1, 0, 1], [4, 3],
                                              method="nearest"),
             "draw": tk.image.draw_bounding_boxes(
                 tk.zeros([1, 5, 6, 3]), [[[0., 0., .5, .5], [.2, .4, 1., 1.]]])}
        w = tk.constant(np.cos(np.arange(144.)).reshape(4, 3, 4, 3), tk.float32)
        r["car_g"] = tk.gradients(tk.reduce_sum(r["car"] * w), [img])[0]
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    a = np.asarray(results[name], np.float64)
    shape, total, weighted = TF[name]
    assert a.shape == shape
    np.testing.assert_allclose(a.sum(), total, rtol=1e-5)
    np.testing.assert_allclose((a * np.arange(a.size).reshape(a.shape)).sum(), weighted,
                               rtol=1e-5)


def test_non_max_suppression_equals_tf():
    b = tk.constant([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11],
                     [0, 10.1, 1, 11.1], [0, 100, 1, 101]], tk.float32)
    s = tk.constant([0.9, 0.75, 0.6, 0.95, 0.5, 0.3])
    with tk.Session() as sess:
        assert sess.run(tk.image.non_max_suppression(b, s, 3, 0.5)).tolist() == [3, 0, 5]
        assert sess.run(tk.image.non_max_suppression(b, s, 10, 0.5, score_threshold=0.4)
                        ).tolist() == [3, 0]


def test_crop_and_resize_gradient_by_finite_differences():
    check_grad(lambda x: tk.image.crop_and_resize(x, BOXES[:2], [0, 0], [3, 2]),
               IMG[:1, :4, :5, :2])


def test_sample_distorted_bounding_box_contract():
    begin, size, bbox = tk.image.sample_distorted_bounding_box(
        [60, 80, 3], [[[0.2, 0.2, 0.6, 0.7]]], seed=3, min_object_covered=0.3,
        aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 1.0))
    crop = tk.slice(tk.zeros([60, 80, 3]), begin, size)
    with tk.Session() as sess:
        draws = [sess.run([begin, size, bbox, crop]) for _ in range(20)]
    assert len({tuple(d[0]) for d in draws}) > 1                   # random over runs
    for b, s, bb, c in draws:
        assert b[2] == 0 and s[2] == -1 and c.shape == (s[0], s[1], 3)
        assert 0 <= b[0] and b[0] + s[0] <= 60 and 0 <= b[1] and b[1] + s[1] <= 80
        np.testing.assert_allclose(bb[0, 0], [b[0] / 60, b[1] / 80, (b[0] + s[0]) / 60,
                                              (b[1] + s[1]) / 80], rtol=1e-6)
        inter = max(0.0, min(bb[0, 0, 2], .6) - max(bb[0, 0, 0], .2)) * max(
            0.0, min(bb[0, 0, 3], .7) - max(bb[0, 0, 1], .2))
        assert inter / (0.4 * 0.5) >= 0.3 - 1e-6 or (s[0], s[1]) == (60, 80)


def test_crop_and_resize_with_a_run_time_crop_size_matches_tf():
    """TF 2.21 (compat.v1): sums of the crops of a seeded 2x5x6x2 image, and of the
    gradient of sum(crops ** 2); static shapes and error types of the same calls."""
    x0 = np.random.RandomState(0).rand(2, 5, 6, 2).astype(np.float32)
    boxes = [[0.1, 0.2, 0.8, 0.9], [0.0, 0.0, 1.0, 1.0]]
    x = tk.constant(x0)
    p = tk.placeholder(tk.int32, [2])
    bil = tk.image.crop_and_resize(x, boxes, [0, 1], p)
    near = tk.image.crop_and_resize(x, boxes, [0, 1], p, method="nearest")
    const = tk.image.crop_and_resize(x, boxes, [0, 1], tk.constant([3, 4]), method="nearest")
    assert bil.shape.as_list() == [2, None, None, 2]
    assert const.shape.as_list() == [2, 3, 4, 2]
    grad = tk.gradients(tk.reduce_sum(bil * bil), x)[0]
    zero = tk.image.crop_and_resize(x, boxes, [0, 1], [0, 4])
    assert zero.shape.as_list() == [2, 0, 4, 2]
    with tk.Session() as sess:
        b, n, c, g = sess.run([bil, near, const, grad], {p: [3, 4]})
        # the nearest sums differ from float64 source coordinates: TF's are float32
        np.testing.assert_allclose([b.sum(), n.sum(), c.sum(), g.sum()],
                                   [24.59459489583969, 24.03718158788979,
                                    24.03718158788979, 49.189190194010735], rtol=1e-6)
        for bad in ([3, -4], [0, 4]):
            with pytest.raises(tk.errors.InvalidArgumentError, match="positive"):
                sess.run(bil, {p: bad})
        with pytest.raises(tk.errors.InvalidArgumentError, match="positive"):
            sess.run(zero)
    with pytest.raises(ValueError, match="2 elements"):
        tk.image.crop_and_resize(x, boxes, [0, 1], tk.placeholder(tk.int32, [3]))
    with pytest.raises(ValueError, match="-4 must be >= 0"):
        tk.image.crop_and_resize(x, boxes, [0, 1], [3, -4])
    with pytest.raises(TypeError, match="int32"):
        tk.image.crop_and_resize(x, boxes, [0, 1], [3.0, 4.0])
