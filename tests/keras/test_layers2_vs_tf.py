"""The second batch of ``tk.keras.layers`` against numbers recorded from TF 2.21.0 +
tf_keras 2.21 in graph mode (``tf.compat.v1``, eager disabled, ``TF_USE_LEGACY_KERAS=1``):
the scenarios of ``layers2_scenarios.py``, recorded by ``make_layers2_reference.py`` into
``layers2_reference.json``.

For every layer: its name, weight names, order and shapes, the static output shape, the
output and the gradients with respect to the inputs and every weight from the same
weights; and the exception type TF raises for each bad argument or input.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.layers2_scenarios import SCENARIOS

REF = json.loads((Path(__file__).with_name("layers2_reference.json")).read_text())


def _compare(want, got, path: str) -> None:
    if isinstance(want, dict):
        assert set(want) == set(got), path
        for k in want:
            _compare(want[k], got[k], f"{path}.{k}")
        return
    if isinstance(want, str) or want is None or isinstance(want, bool):
        assert got == want, path
        return
    if isinstance(want, int | float):
        assert got == pytest.approx(want, rel=1e-4, abs=1e-5), path
        return
    try:
        a = np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        a = None
    if a is not None:
        b = np.asarray(got, dtype=np.float64)
        assert a.shape == b.shape, path
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5, err_msg=path)
        return
    assert len(want) == len(got), path
    for i, (x, y) in enumerate(zip(want, got)):
        _compare(x, y, f"{path}[{i}]")


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_matches_tf(name):
    tk.keras.backend.clear_session()
    got = json.loads(json.dumps(SCENARIOS[name](tk)))
    _compare(REF[name], got, name)


def test_the_comparison_can_fail():
    with pytest.raises(AssertionError):
        _compare({"a": ["p_re_lu/alpha:0"]}, {"a": ["prelu/alpha:0"]}, "x")
    with pytest.raises(AssertionError):
        _compare({"a": [[1.0, 2.0]]}, {"a": [[1.0, 2.001]]}, "x")
    with pytest.raises(AssertionError):
        _compare({"e": "ValueError"}, {"e": "no error"}, "x")
