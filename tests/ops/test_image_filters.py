"""ssim, sobel_edges and extract_image_patches against TF 2.21 (tf.compat.v1 on the same
seeded images: shape, sum and index-weighted sum recorded below) and finite
differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

RNG = np.random.default_rng(11)
A = RNG.uniform(0, 1, (2, 16, 18, 3)).astype(np.float32)
B = np.clip(A + RNG.normal(0, 0.1, A.shape), 0, 1).astype(np.float32)
TF = {
    "ssim": ((2,), 1.8844791054725647, 0.9402225613594055),
    "ssim7": ((2,), 1.8755468130111694, 0.9350424408912659),
    "sobel": ((2, 16, 18, 3, 2), -29.41138686798513, -64814.75582599826),
    "eip": ((2, 7, 6, 18), 753.5444634528831, 578524.1873744102),
    "eip_s": ((2, 8, 9, 27), 1685.7753123764996, 3296435.655005204),
    "ssim_g": ((2, 16, 18, 3), 0.018327290736797508, 15.069691597673746)}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        a, b = tk.constant(A), tk.constant(B)
        r = {"ssim": tk.image.ssim(a, b, 1.0),
             "ssim7": tk.image.ssim(a, b, 1.0, filter_size=7, filter_sigma=1.0),
             "sobel": tk.image.sobel_edges(a),
             "eip": tk.extract_image_patches(a, [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1],
                                             "VALID"),
             "eip_s": tk.image.extract_patches(a, [1, 3, 3, 1], [1, 2, 2, 1], [1, 2, 1, 1],
                                               "SAME")}
        r["ssim_g"] = tk.gradients(tk.reduce_sum(r["ssim"]), [a])[0]
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    a = np.asarray(results[name], np.float64)
    shape, total, weighted = TF[name]
    assert a.shape == shape
    atol = 1e-6 if name == "ssim_g" else 1e-4
    np.testing.assert_allclose(a.sum(), total, rtol=2e-5, atol=atol)
    np.testing.assert_allclose((a * np.arange(a.size).reshape(a.shape)).sum(), weighted,
                               rtol=2e-5)


def test_patches_gradient_by_finite_differences():
    check_grad(lambda t: tk.extract_image_patches(t, [1, 2, 2, 1], [1, 1, 2, 1],
                                                  [1, 1, 1, 1], "SAME"),
               A[:1, :3, :4, :2].astype(np.float64))


def test_extract_image_patches_of_an_image_of_unknown_size_matches_tf():
    """TF 2.21: static shapes and sum(out * arange(out.size)) of the patches of a 2x7x9x2
    arange image fed through a [None, None, None, 2] placeholder."""
    x = np.arange(2 * 7 * 9 * 2, dtype=np.float32).reshape(2, 7, 9, 2)
    p = tk.placeholder(tk.float32, [None, None, None, 2])
    cases = [(([1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1]), (2, 6, 8, 8), 48912768.0,
              (2, 7, 9, 8), 73830928.0),
             (([1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1]), (2, 3, 3, 12), 3833352.0,
              (2, 4, 3, 12), 5668176.0),
             (([1, 2, 3, 1], [1, 2, 2, 1], [1, 2, 1, 1]), (2, 3, 4, 12), 6858480.0,
              (2, 4, 5, 12), 12208980.0)]
    with tk.Session() as sess:
        for (k, s, r), valid_shape, valid_sum, same_shape, same_sum in cases:
            for pad, shape, total in (("VALID", valid_shape, valid_sum),
                                      ("SAME", same_shape, same_sum)):
                y = tk.image.extract_image_patches(p, k, s, r, pad)
                assert y.shape.as_list() == [None, None, None, shape[3]]
                got = sess.run(y, {p: x})
                assert got.shape == shape
                assert float((got * np.arange(got.size).reshape(shape)).sum()) == total
                known = sess.run(tk.image.extract_image_patches(x, k, s, r, pad))
                np.testing.assert_array_equal(got, known)
