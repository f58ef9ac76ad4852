"""The TF-Slim model zoo's constructions (tensorflow/models ``research/slim/nets``: VGG,
AlexNet, OverFeat, ResNet v1/v2, Inception, MobileNet v1/v2) at 32x32, against TF 2.21 +
``tf_slim`` 1.1.0: the builders of ``slim_nets_cases.py``, recorded by
``make_slim_reference.py slim_nets`` into ``slim_nets_reference.json``.

Checked as the zoo's own ``*_test.py`` files check the real nets: end point names and
shapes, variable names and shapes (global, model, trainable), regularization losses and
batch-norm update ops, the logits' name; and, beyond them, the logits of one forward pass,
the gradient norm of every trainable variable, and the loss after one SGD step (to
float32 round-off). The zoo's own test files (models' 2022 ``research/slim``) pass on
trainkit as well: run them outside the suite with ``run_slim_zoo_tests.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.contrib import slim_nets_cases

REFERENCE = json.loads((Path(__file__).parent / "slim_nets_reference.json").read_text())
EXACT = ("end_points", "variables", "model_variables", "trainable", "regularization_losses",
         "update_ops", "logits_name", "eval_logits", "scope_keys")


@pytest.mark.parametrize("case", slim_nets_cases.CASES, ids=lambda c: c.__name__)
def test_net_matches_tf_slim(case):
    got = json.loads(json.dumps(case(tk, tk.contrib.slim)))
    want = REFERENCE[case.__name__]
    assert sorted(got) == sorted(want)
    for key in EXACT:
        if key in want:
            assert got[key] == want[key], key
    np.testing.assert_allclose(got["logits"], want["logits"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got["grad_norms"], want["grad_norms"], rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-4)
    assert got["loss"][1] < got["loss"][0]          # the step learned
