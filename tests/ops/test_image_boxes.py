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
