"""tf.contrib.sparsemax: values and gradients against TF 1.15's graph run with TF 2.21
(sparsemax_reference.json, from make_sparsemax_reference.py), a NumPy projection onto the
simplex, finite differences, and the typed errors of bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.contrib.sparsemax_cases import LABELS, LOGITS, SPECIAL, WEIGHTS

REF = json.loads((Path(__file__).parent / "sparsemax_reference.json").read_text())
sm = tk.contrib.sparsemax


def _numpy_sparsemax(z):
    """Sort-based projection of each row onto the simplex (Martins & Astudillo, alg. 1)."""
    out = np.empty_like(z, dtype=np.float64)
    for i, row in enumerate(z.astype(np.float64)):
        s = np.sort(row)[::-1]
        cums = np.cumsum(s)
        k = np.arange(1, len(row) + 1)
        kz = k[1 + k * s > cums].max()
        out[i] = np.maximum(row - (cums[kz - 1] - 1) / kz, 0)
    return out


def _build(key):
    z = tk.constant(LOGITS[key])
    p = sm.sparsemax(z)
    loss = sm.sparsemax_loss(z, p, tk.constant(LABELS[key]))
    g = tk.gradients(tk.reduce_sum(p * WEIGHTS[key]), z)[0]
    gl = tk.gradients(tk.reduce_sum(loss), z)[0]
    return [p, g, loss, gl]


@pytest.mark.parametrize("key", sorted(LOGITS))
def test_values_and_gradients_match_tf(key):
    with tk.Graph().as_default(), tk.Session() as s:
        p, g, loss, gl = s.run(_build(key))
    assert REF["tf_version"] == "2.21.0"
    tol = dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(p, REF[key]["sparsemax"], **tol)
    np.testing.assert_allclose(g, REF[key]["grad"], **tol)
    np.testing.assert_allclose(loss, REF[key]["loss"], **tol)
    np.testing.assert_allclose(gl, REF[key]["loss_grad"], **tol)
    np.testing.assert_allclose(p, _numpy_sparsemax(LOGITS[key]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert p.dtype == LOGITS[key].dtype


def test_gradient_matches_finite_differences():
    z0 = LOGITS["wide"]  # float64, no ties
    w = WEIGHTS["wide"]
    with tk.Graph().as_default(), tk.Session() as s:
        z = tk.placeholder(tk.float64, z0.shape)
        p = sm.sparsemax(z)
        f = tk.reduce_sum(p * w) + tk.reduce_sum(sm.sparsemax_loss(z, p, LABELS["wide"]))
        grad = s.run(tk.gradients(f, z)[0], {z: z0})
        eps = 1e-6
        num = np.zeros_like(z0)
        for idx in np.ndindex(z0.shape):
            d = np.zeros_like(z0)
            d[idx] = eps
            num[idx] = (s.run(f, {z: z0 + d}) - s.run(f, {z: z0 - d})) / (2 * eps)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def test_special_values_and_bad_inputs():
    with tk.Graph().as_default(), tk.Session() as s:
        got = s.run(sm.sparsemax(SPECIAL))
        want = np.array([[np.nan if v is None else v for v in r] for r in REF["special"]])
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got[3], want[3])
        assert s.run(sm.sparsemax_loss([[-np.inf, 1.0]], [[0.0, 1.0]], [[0.0, 1.0]])) == [0.0]
        with pytest.raises(TypeError, match="logits must be half, float32 or float64"):
            sm.sparsemax([[1, 2]])
        with pytest.raises(ValueError, match=r"must be a \[batch, classes\] matrix"):
            sm.sparsemax([1.0, 2.0])
        with pytest.raises(TypeError, match="labels must be half"):
            sm.sparsemax_loss([[1.0]], [[1.0]], [[1]])
