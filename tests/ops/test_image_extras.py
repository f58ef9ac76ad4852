"""The extra tf.image ops against NumPy references and TF 2.21 (tf.compat.v1.image on
the same seeded image: each output's sum is recorded below)."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

IMG = np.random.default_rng(0).uniform(0, 1, (2, 3, 4, 3)).astype(np.float32)
U8 = (IMG * 255).astype(np.uint8)

# TF 2.21: float64 sum of each output
TF_SUMS = {
    "gray": 12.29083427786827, "gray_u8": 3116.0, "g2rgb": 36.87250283360481,
    "crop": 11.029235500842333, "pad": 18.800112538272515, "rot1": 35.73236416676082,
    "rot2": 18.800112538272515, "rot3": 35.73236416676082, "tr": 35.73236416676082,
    "tv": 35.43403434753418, "tv3": 18.33225440979004, "psnr": 61.192420959472656,
    "dy": -0.45271123945713043, "dx": -0.03737127035856247, "hsv": 45.81660583987832,
    "rgb": 35.73236465663649, "sat": 30.49557276070118, "hue": 35.00339926430024,
    "hue_neg": 33.80957238771953, "sat_u8": 11519.0, "gamma": 36.02704833102416,
    "gamma_u8": 12051.0}


def _ops():
    im, u8, ti = tk.constant(IMG), tk.constant(U8), tk.image
    dy, dx = ti.image_gradients(im)
    return {
        "gray": ti.rgb_to_grayscale(im), "gray_u8": ti.rgb_to_grayscale(u8),
        "g2rgb": ti.grayscale_to_rgb(ti.rgb_to_grayscale(im)),
        "crop": ti.crop_to_bounding_box(im, 1, 1, 2, 2),
        "pad": ti.pad_to_bounding_box(im[0], 1, 0, 5, 6), "rot1": ti.rot90(im, 1),
        "rot2": ti.rot90(im[0], 2), "rot3": ti.rot90(im, 3), "tr": ti.transpose_image(im),
        "tv": ti.total_variation(im), "tv3": ti.total_variation(im[0]),
        "psnr": ti.psnr(im, im * 0.9 + 0.05, 1.0), "dy": dy, "dx": dx,
        "hsv": ti.rgb_to_hsv(im), "rgb": ti.hsv_to_rgb(ti.rgb_to_hsv(im)),
        "sat": ti.adjust_saturation(im, 1.7), "hue": ti.adjust_hue(im, 0.3),
        "hue_neg": ti.adjust_hue(im, -0.45), "sat_u8": ti.adjust_saturation(u8, 0.5),
        "gamma": ti.adjust_gamma(im, 2.0, 1.5), "gamma_u8": ti.adjust_gamma(u8, 0.5)}


def test_image_extras_equal_tf_sums():
    ops = _ops()
    with tk.Session() as sess:
        got = sess.run(ops)
    for k, want in TF_SUMS.items():
        total = float(np.asarray(got[k], np.float64).sum())
        if k.endswith("u8"):
            assert got[k].dtype == np.uint8 and total == want, k
        else:
            np.testing.assert_allclose(total, want, rtol=2e-6, err_msg=k)


def test_image_extras_equal_numpy_references():
    with tk.Session() as sess:
        got = sess.run(_ops())
    np.testing.assert_allclose(got["gray"][..., 0], IMG @ [0.2989, 0.5870, 0.1140],
                               rtol=1e-6)
    np.testing.assert_array_equal(got["crop"], IMG[:, 1:3, 1:3])
    np.testing.assert_array_equal(got["pad"][1:4, :4], IMG[0])
    np.testing.assert_array_equal(got["rot1"], np.rot90(IMG, 1, axes=(1, 2)))
    np.testing.assert_array_equal(got["rot2"], np.rot90(IMG[0], 2))
    np.testing.assert_array_equal(got["rot3"], np.rot90(IMG, 3, axes=(1, 2)))
    tv = (np.abs(np.diff(IMG, axis=1)).sum((1, 2, 3)) + np.abs(np.diff(IMG, axis=2)).sum(
        (1, 2, 3)))
    np.testing.assert_allclose(got["tv"], tv, rtol=1e-6)
    hsv = np.array([colorsys.rgb_to_hsv(*p) for p in IMG.reshape(-1, 3)]).reshape(IMG.shape)
    np.testing.assert_allclose(got["hsv"], hsv, atol=1e-6)
    np.testing.assert_allclose(got["rgb"], IMG, atol=1e-6)
    shifted = hsv.copy()
    shifted[..., 0] = (shifted[..., 0] + 0.3) % 1.0
    rgb = np.array([colorsys.hsv_to_rgb(*p) for p in shifted.reshape(-1, 3)])
    np.testing.assert_allclose(got["hue"], rgb.reshape(IMG.shape), atol=1e-5)
    np.testing.assert_allclose(got["gamma"], 1.5 * IMG.astype(np.float64) ** 2, rtol=1e-5)


def test_random_colour_jitter_ranges_and_gradients():
    im = tk.constant(IMG)
    sat = tk.image.random_saturation(im, 0.5, 1.5, seed=1)
    hue = tk.image.random_hue(im, 0.2, seed=2)
    with tk.Session() as sess:
        s, h = sess.run([sat, hue])
    assert s.shape == h.shape == IMG.shape and 0 <= s.min() and s.max() <= 1.0 + 1e-6
    with pytest.raises(ValueError):
        tk.image.random_hue(im, 0.7)
    check_grad(lambda x: tk.image.total_variation(x), IMG[:1, :, :, :2].astype(np.float64))
    check_grad(lambda x: tk.image.rot90(x, 1) * tk.image.transpose_image(x),
               IMG[0, :3, :3].astype(np.float64))
    assert tk.image.resize is tk.image.resize_images


def test_rot90_by_a_run_time_k_matches_tf():
    """TF 2.21: sum(out * arange(out.size)) of rot90(arange image, k fed) and its static
    shape (height and width unknown: TF selects the rotation with a case)."""
    x = np.arange(2 * 5 * 6 * 2, dtype=np.float32).reshape(2, 5, 6, 2)
    tf_sums = {0: (568820.0, 70210.0), 1: (531620.0, 51610.0), 2: (496900.0, 34250.0),
               3: (534100.0, 52850.0), -1: (534100.0, 52850.0), 5: (531620.0, 51610.0)}
    k = tk.placeholder(tk.int32, [])
    batch, single = tk.image.rot90(tk.constant(x), k), tk.image.rot90(tk.constant(x[0]), k)
    assert batch.shape.as_list() == [2, None, None, 2]
    assert single.shape.as_list() == [None, None, 2]
    square = tk.image.rot90(tk.zeros([1, 3, 3, 1]), k)
    assert square.shape.as_list() == [1, 3, 3, 1]
    with tk.Session() as sess:
        for kv, sums in tf_sums.items():
            b, s = sess.run([batch, single], {k: kv})
            np.testing.assert_array_equal(b, np.rot90(x, kv, axes=(1, 2)))
            got = [float((v * np.arange(v.size).reshape(v.shape)).sum()) for v in (b, s)]
            assert got == list(sums)
    with pytest.raises(TypeError):
        tk.image.rot90(tk.constant(x), 1.0)
    xp = tk.placeholder(tk.float64, [1, 2, 3, 1])
    rot = tk.image.rot90(xp, k)
    w = tk.constant(np.arange(6.0).reshape(1, 3, 2, 1))
    grad = tk.gradients(tk.reduce_sum(rot * w), xp)[0]
    got = _run_feed(grad, {xp: np.ones((1, 2, 3, 1)), k: 1})
    np.testing.assert_array_equal(got, np.rot90(np.arange(6.0).reshape(1, 3, 2, 1), -1,
                                                axes=(1, 2)))


def _run_feed(t, feed):
    with tk.Session() as sess:
        return sess.run(t, feed)
