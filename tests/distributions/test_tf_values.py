"""Densities, cdfs, entropies, moments, shapes and KL divergences of tk.distributions equal
TF 2.21's ``tf.compat.v1.distributions`` at the parameter points of dist_cases.py
(broadcast batch shapes included); TF's values are recorded in tf_reference.json by
make_reference.py."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.distributions import dist_cases

REF = json.loads((Path(__file__).parent / "tf_reference.json").read_text())
# float32 cases (and the float32 entries of mixed cases) agree to float32 round-off.
FLOAT32_CASES = {"normal_f32", "student_t"}


def _array(entry: list) -> np.ndarray:
    *flat, shape = entry
    return np.array([float(v) for v in flat], dtype=np.float64).reshape(shape)


def test_reference_is_from_tf_2_21():
    assert REF["tensorflow"].startswith("2.21")


@pytest.mark.parametrize("name", sorted(dist_cases.cases(tk)))
def test_values_match_tf(name):
    got = dist_cases.run(tk, name)
    want = REF[name]
    assert sorted(got) == sorted(want)
    rtol = 2e-5 if name in FLOAT32_CASES else 1e-9
    for key in want:
        g, w = _array(got[key]), _array(want[key])
        assert g.shape == w.shape, (name, key)
        tol = 2e-5 if key.endswith("f32") else rtol
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * 1e-2, err_msg=f"{name}.{key}")
