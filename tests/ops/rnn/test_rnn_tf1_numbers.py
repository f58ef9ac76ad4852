"""Cells unrolled by static_rnn against numbers recorded with real TF1 semantics
(tensorflow-cpu 2.21, ``tf.compat.v1.nn.rnn_cell``, legacy Keras, float64) for the same
weights: gate order, forget bias, GRU gates, peepholes, projection and clipping all agree.

The weights are ``0.5 * sin(0.7 * arange(n) + k)`` for the k-th variable (in creation
order), reshaped; the inputs are two steps ``x`` and ``-0.5 x``. The recording script is
in the docstring of ``_weights``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

R = tk.nn.rnn_cell
REF = json.loads((Path(__file__).parent / "tf1_cells_reference.json").read_text())

CELLS = {
    "basic_lstm": lambda: R.BasicLSTMCell(3, forget_bias=0.7),
    "gru": lambda: R.GRUCell(3),
    "lstm_peep_proj_clip": lambda: R.LSTMCell(3, use_peepholes=True, num_proj=2,
                                              cell_clip=0.4, proj_clip=0.3),
    "lstm_plain": lambda: R.LSTMCell(3, forget_bias=0.3),
    "basic_rnn": lambda: R.BasicRNNCell(3),
    "multi": lambda: R.MultiRNNCell([R.BasicLSTMCell(3), R.GRUCell(2)]),
}


def _weights(variables):
    """Assign ops giving variable k the values ``0.5 * sin(0.7 * i + k)``.

    (Recorded in TF by building the same static_rnn with ``tf.compat.v1``, assigning
    these values to ``tf.compat.v1.global_variables()`` and fetching outputs and state.)
    """
    ops = []
    for k, v in enumerate(variables):
        shape = v.shape.as_list()
        n = int(np.prod(shape))
        ops.append(tk.assign(v, (np.sin(np.arange(n) * 0.7 + k) * 0.5).reshape(shape)))
    return ops


@pytest.mark.parametrize("name", sorted(CELLS))
def test_static_rnn_matches_tf1_numbers(name):
    x = tk.constant([[0.5, -1.0], [0.25, 0.75]], tk.float64)
    outs, state = tk.nn.static_rnn(CELLS[name](), [x, x * -0.5], dtype=tk.float64)
    variables = tk.global_variables()
    assert [v.op.name for v in variables] == REF[name]["names"]
    with tk.Session() as sess:
        sess.run(_weights(variables))
        got_outs, got_state = sess.run((outs, state))
    np.testing.assert_allclose(np.array(got_outs), REF[name]["outputs"], rtol=1e-10,
                               atol=1e-12)
    for got, want in zip(tk.nest.flatten(got_state), REF[name]["state"]):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
