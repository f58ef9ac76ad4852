"""resize_bicubic and resize_area against TF 2.21 (tf.compat.v1 on the same seeded image:
each output's float64 sum recorded below; elementwise the outputs agree to 2e-4 on values
up to 284, float32 round-off), an independent block-mean reference, and finite
differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = np.random.default_rng(9).uniform(0, 255, (2, 5, 7, 3)).astype(np.float32)
TF = {"bc_up": ((2, 9, 11, 3), 79409.05358600616), "bc_dn": ((2, 3, 4, 3), 9826.758516311646),
      "bc_al": ((2, 8, 13, 3), 82775.03290069103), "ar_dn": ((2, 2, 3, 3), 4849.697357177734),
      "ar_up": ((2, 7, 10, 3), 56579.796647667885),
      "ar_al": ((2, 3, 5, 3), 12203.36522436142), "bc_u8": ((2, 6, 6, 3), 28966.087567448616)}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        x, ti = tk.constant(X), tk.image
        r = {"bc_up": ti.resize_bicubic(x, [9, 11]), "bc_dn": ti.resize_bicubic(x, [3, 4]),
             "bc_al": ti.resize_bicubic(x, [8, 13], align_corners=True),
             "ar_dn": ti.resize_area(x, [2, 3]), "ar_up": ti.resize_area(x, [7, 10]),
             "ar_al": ti.resize_area(x, [3, 5], align_corners=True),
             "bc_u8": ti.resize_bicubic(tk.cast(x, tk.uint8), [6, 6])}
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    shape, total = TF[name]
    assert results[name].shape == shape and results[name].dtype == np.float32
    np.testing.assert_allclose(results[name].astype(np.float64).sum(), total, rtol=1e-6)


def test_area_downscale_is_the_block_mean_and_gradients():
    img = np.arange(2 * 4 * 6 * 1, dtype=np.float64).reshape(2, 4, 6, 1)
    with tk.Session() as sess:
        got = sess.run(tk.image.resize_area(img, [2, 3]))
    want = img.reshape(2, 2, 2, 3, 2, 1).mean((2, 4))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    check_grad(lambda t: tk.image.resize_bicubic(t, [5, 4]), X[:1, :3, :3, :1].astype(
        np.float64))
