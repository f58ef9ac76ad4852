"""TF1 programs run with trainkit, their final numbers checked against TF1's.

The programs live in ``tests/compat/programs/`` (one module each, ``main(tf)``); the
numbers TF1 gave for the same programs are in ``programs/tf_reference.json``, recorded by
``python -m tests.compat.programs.reference`` under TensorFlow (the version behind each
program's numbers is in the file). Each program's ``COMPARE`` gives, per result, the
tolerance ``tol``: a number passes when ``|trainkit - tf1| <= tol * max(1, |tf1|)``;
lists must be equal.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.compat.programs.reference import program_names

REFERENCE = json.loads((Path(__file__).parent / "programs" / "tf_reference.json").read_text())


def test_every_program_has_tf1_numbers():
    assert set(program_names()) <= set(REFERENCE["programs"])
    for name in program_names():
        assert REFERENCE["versions"][name].startswith("tensorflow-cpu 2."), name
        source = (Path(__file__).parent / "programs" / f"{name}.py").read_text()
        if name.startswith("estimator_") or "tf.estimator." in source:  # gone in TF 2.16
            assert REFERENCE["versions"][name].startswith("tensorflow-cpu 2.15.1,"), name
    assert len(program_names()) >= 15


@pytest.mark.parametrize("name", program_names())
def test_program_matches_tf1(name):
    module = importlib.import_module(f"tests.compat.programs.{name}")
    got = module.main(tk)
    want = REFERENCE["programs"][name]
    assert set(got) == set(want), f"{name} returned {sorted(got)}, TF1 {sorted(want)}"
    for key, tol in module.COMPARE.items():
        g, w = got[key], want[key]
        if isinstance(w, list):
            assert list(g) == w, f"{name}: {key} = {g}, TF1 gave {w}"
        else:
            assert np.isfinite(g), f"{name}: {key} = {g}"
            assert abs(g - w) <= tol * max(1.0, abs(w)), \
                f"{name}: {key} = {g!r}, TF1 gave {w!r} (tolerance {tol})"

