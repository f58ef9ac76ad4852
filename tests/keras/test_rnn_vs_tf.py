"""``tk.keras`` recurrent layers against numbers recorded from TF 2.21.0 + tf_keras 2.21
in graph mode (``tf.compat.v1`` with ``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``):
the scenarios of ``rnn_scenarios.py``, recorded by ``make_rnn_reference.py`` into
``rnn_reference.json``.

With the same weights (``set_weights``) they compare outputs, final states, gradients
wrt the weights and the input, masks (leading, trailing and inner padding), the
Bidirectional merge modes, TimeDistributed(Dense/Conv2D), a few ``fit`` epochs' losses
and weights, variable names, and the exception classes of bad inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.rnn_scenarios import RNN_SCENARIOS

REF = json.loads((Path(__file__).with_name("rnn_reference.json")).read_text())


def _same(tf_value, tk_value, path: str) -> None:
    if isinstance(tf_value, dict):
        assert set(tf_value) == set(tk_value), path
        for k in tf_value:
            _same(tf_value[k], tk_value[k], f"{path}.{k}")
        return
    if isinstance(tf_value, str) or tf_value is None or isinstance(tf_value, bool):
        assert tk_value == tf_value, path
        return
    if isinstance(tf_value, int | float):
        assert tk_value == pytest.approx(tf_value, rel=1e-4, abs=1e-5), path
        return
    try:
        a = np.asarray(tf_value, dtype=np.float64)
        b = np.asarray(tk_value, dtype=np.float64)
    except (TypeError, ValueError):
        a = None
    if a is not None:
        assert a.shape == b.shape, path
        np.testing.assert_allclose(b, a, rtol=2e-4, atol=2e-5, err_msg=path)
        return
    assert len(tf_value) == len(tk_value), path
    for i, (x, y) in enumerate(zip(tf_value, tk_value)):
        _same(x, y, f"{path}[{i}]")


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(RNN_SCENARIOS))
def test_scenario_matches_tf(name):
    tk.keras.backend.clear_session()
    got = json.loads(json.dumps(RNN_SCENARIOS[name](tk)))
    _same(REF[name], got, name)
