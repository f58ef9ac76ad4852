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
