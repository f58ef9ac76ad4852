"""``tk.keras`` sample/class weights, weighted metrics, ``tk.data`` inputs to
``fit``/``evaluate``/``predict``, frozen models and activations by name, against TF 2.21.0
+ tf_keras 2.21 in TF1 graph mode (``tf.compat.v1``, ``disable_v2_behavior()``,
``TF_USE_LEGACY_KERAS=1``): the scenarios of ``fit2_scenarios.py``, recorded by
``make_fit2_reference.py`` into ``fit2_reference.json``. Numbers agree within float32
tolerances (rel 1e-4, abs 1e-5); names and error types exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trainkit as tk
from tests.keras.fit2_scenarios import FIT2_SCENARIOS, to_json
from tests.keras.test_keras_vs_tf import _same

K = tk.keras
REF = json.loads(Path(__file__).with_name("fit2_reference.json").read_text())


@pytest.fixture(autouse=True)
def _fresh():
    tk.reset_default_graph()
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(FIT2_SCENARIOS))
def test_scenario_matches_tf(name):
    got = json.loads(to_json(FIT2_SCENARIOS[name](tk)))
    _same(REF[name], got, name)
