"""Keras optimizers on an Embedding's sparse gradient, equal to tf_keras 2.21
(``sparse_optimizer_reference.json``, recorded by ``make_sparse_optimizer_reference``):
SGD with momentum, RMSprop with momentum, Adadelta, Adamax and Ftrl change only the
looked-up rows; Nadam decays every row of its slots but moves only those rows; the
others' sparse rules equal their dense ones."""

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.sparse_optimizer_scenarios import embedding_after_training, make_opts

REF = json.loads(Path(__file__).with_name("sparse_optimizer_reference.json").read_text())
OPTS = make_opts(tk.keras)


@pytest.mark.parametrize("name", sorted(OPTS))
def test_sparse_updates_equal_tf_keras(name):
    got = np.array(embedding_after_training(tk, tk.keras, OPTS[name]))
    np.testing.assert_allclose(got, REF[name], rtol=1e-6, atol=2e-7)


def test_ftrl_leaves_rows_never_looked_up_alone():
    """Rows 4, 6 and 8 are never looked up: Ftrl keeps their start values (a dense zero
    gradient would recompute them from their zero ``linear`` slot, i.e. zero them), and
    every looked-up row moves."""
    from tests.keras.sparse_optimizer_scenarios import E0

    got = np.array(embedding_after_training(tk, tk.keras, OPTS["ftrl"]))
    untouched = [4, 6, 8]
    np.testing.assert_array_equal(got[untouched], E0[untouched])
    assert not np.allclose(got[[0, 1, 2, 3, 5, 7, 9]], E0[[0, 1, 2, 3, 5, 7, 9]])
