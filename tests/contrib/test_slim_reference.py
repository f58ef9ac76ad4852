"""``tk.contrib.slim`` against TF 2.21 + tf_slim 1.1.0: every case of ``slim_cases.py``
(names, shapes and collections exactly; values, gradients and training steps to float32
round-off) against ``slim_reference.json`` (recorded by ``make_slim_reference.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.contrib import slim_cases

REFERENCE = json.loads((Path(__file__).parent / "slim_reference.json").read_text())


def assert_same(got, want, path="", rtol=2e-5, atol=2e-5):
    """Equal structure; strings, ints and bools exactly, floats to ``rtol``/``atol``."""
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            assert_same(got[k], want[k], f"{path}/{k}", rtol, atol)
    elif isinstance(want, list) and want and isinstance(want[0], list | dict | str):
        assert isinstance(got, list | tuple) and len(got) == len(want), (path, got, want)
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{path}[{i}]", rtol, atol)
    elif isinstance(want, str | bool | int) or want is None:
        assert got == want, (path, got, want)
    else:
        np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                                   np.asarray(want, dtype=np.float64), rtol=rtol, atol=atol,
                                   err_msg=path)


EXACT_CASES = [c for c in slim_cases.CASES if c is not slim_cases.case_initializers]


@pytest.mark.parametrize("case", EXACT_CASES, ids=lambda c: c.__name__)
def test_case_matches_tf_slim(case):
    got = json.loads(json.dumps(case(tk, tk.contrib.slim)))
    assert_same(got, REFERENCE[case.__name__], case.__name__)


def test_initializer_statistics_match_tf_slim():
    """Random draws differ from TF's; their spread and bounds are the same: xavier
    uniform/normal, He (truncated normal, stddev sqrt(1.3 * 2 / fan_in)), FAN_OUT uniform
    and FAN_AVG normal on a [3, 3, 40, 60] kernel."""
    got = slim_cases.case_initializers(tk, tk.contrib.slim)
    want = REFERENCE["case_initializers"]
    np.testing.assert_allclose(got["std"], want["std"], rtol=0.02)
    fan_in, fan_out = 9 * 40, 9 * 60
    limits = [np.sqrt(6 / (fan_in + fan_out)), None, None, np.sqrt(3 / fan_out), None]
    for i, limit in enumerate(limits):
        if limit is not None:       # uniform: bounded by the limit, reaching close to it
            # (float32 draws: the limit rounded to float32 may lie above the float64 one)
            bound = float(np.nextafter(np.float32(limit), np.float32(np.inf)))
            assert want["maxabs"][i] <= bound and got["maxabs"][i] <= bound
            assert got["maxabs"][i] > 0.99 * limit
        else:                       # truncated normal: within two raw stddevs
            assert got["maxabs"][i] <= want["maxabs"][i] * 1.01
            assert got["maxabs"][i] > want["maxabs"][i] * 0.98
