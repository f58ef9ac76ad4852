"""``tk.keras.applications`` against TF 2.21.0 + tf_keras 2.21 in graph mode
(``tf.compat.v1``, eager disabled, ``TF_USE_LEGACY_KERAS=1``): the scenarios of
``applications_scenarios.py``, recorded by ``make_applications_reference.py`` into
``applications_reference.json`` and ``data/applications_*.npz``.

For each architecture: the model's name, its layers' names and classes in
``model.layers`` order, its weights' names and shapes in order, the trainable and
non-trainable parameter counts, the input and output shapes; the outputs of small
models given the same weights (TF's own ``get_weights()`` for MobileNet, NumPy-seeded
weights on both sides for the bigger ones) on the same preprocessed pixels, to float32
round-off; and the exception class TF raises for each bad argument.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras import applications_scenarios as sc

HERE = Path(__file__).parent
REF = json.loads((HERE / "applications_reference.json").read_text())
OUTPUTS = np.load(HERE / "data" / "applications_outputs.npz")
TF_WEIGHTS = np.load(HERE / "data" / "applications_weights.npz")


@pytest.fixture(autouse=True)
def _fresh():
    tk.keras.backend.clear_session()
    yield
    tk.keras.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"
    assert set(REF["structure"]) == set(sc.STRUCTURE)
    assert set(REF["errors"]) == set(sc.ERRORS)
    assert set(OUTPUTS.files) == set(sc.NUMERIC)


@pytest.mark.parametrize("name", sorted(sc.STRUCTURE))
def test_structure_matches_tf(name):
    module, fn, kwargs = sc.STRUCTURE[name]
    got = sc.describe(sc.build(tk, module, fn, {"weights": None, **kwargs}))
    want = REF["structure"][name]
    assert got["layers"] == want["layers"]
    assert got == want


def _set_weights(name: str, how: str):
    def set_weights(model):
        if how == "npz":
            model.set_weights([TF_WEIGHTS[f"{name}/{i}"] for i in range(len(model.weights))])
        else:
            shapes = [(w.name, tuple(w.shape.as_list())) for w in model.weights]
            model.set_weights(sc.seeded_weights(shapes))
    return set_weights


@pytest.mark.parametrize("name", sorted(sc.NUMERIC))
def test_outputs_match_tf(name):
    got = sc.run_numeric(tk, name, _set_weights(name, sc.NUMERIC[name][3]))
    want = OUTPUTS[name]
    assert got.shape == want.shape
    # The reference is not degenerate: the two images and the features differ.
    assert np.abs(want[0] - want[1]).max() > 1e-3 * np.abs(want).max()
    assert np.std(want) > 0
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-5 * np.abs(want).max())


def test_npz_case_carries_tf_weights():
    """The npz case's weights are TF's, one array per weight, in model.weights order."""
    module, fn, kwargs, _ = sc.NUMERIC["mobilenet_a25"]
    model = sc.build(tk, module, fn, {"weights": None, **kwargs})
    arrays = [TF_WEIGHTS[f"mobilenet_a25/{i}"] for i in range(len(model.weights))]
    assert [a.shape for a in arrays] == [tuple(w.shape.as_list()) for w in model.weights]
    assert len(TF_WEIGHTS.files) == len(model.weights)


@pytest.mark.parametrize("name", sorted(sc.ERRORS))
def test_bad_arguments_raise_like_tf(name):
    assert sc.error_name(tk, name) == REF["errors"][name]


def test_the_structure_comparison_can_fail():
    """A different width changes the recorded description."""
    got = sc.describe(sc.build(tk, "mobilenet", "MobileNet",
                               {"weights": None, "alpha": 0.5, "input_shape": (32, 32, 3),
                                "classes": 10}))
    assert got != REF["structure"]["mobilenet_a25_top10"]
