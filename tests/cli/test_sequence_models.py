"""The CLI's recurrent models: how examples become time steps, and the variables built."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.cli.sequence_models import as_steps, rnn_classifier


@pytest.mark.parametrize("shape,steps,depth", [((2, 8, 8, 1), 8, 8), ((2, 5, 3), 5, 3),
                                               ((2, 6), 6, 1), ((2, 4, 3, 2), 4, 6)])
def test_as_steps_reads_examples_as_sequences(shape, steps, depth):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    got = as_steps(tk.constant(x))
    assert len(got) == steps and got[0].shape.as_list() == [2, depth]
    with tk.Session() as sess:
        first = sess.run(got[1])
    np.testing.assert_array_equal(first, x.reshape(2, steps, depth)[:, 1])


def test_as_steps_rejects_unknown_rank():
    with pytest.raises(ValueError, match="rank 2 to 4"):
        as_steps(tk.placeholder(tk.float32))


@pytest.mark.parametrize("cell,names", [
    ("lstm", ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
              "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel"]),
    ("gru", ["rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel"])])
def test_rnn_classifier_variables_and_dropout(cell, names):
    x = tk.placeholder(tk.float32, [None, 8, 8, 1])
    training = tk.placeholder(tk.bool, [])
    logits = rnn_classifier(x, 10, training, [6, 5], cell, dropout=0.5)
    have = [v.op.name for v in tk.trainable_variables()]
    assert set(names) <= set(have) and "logits/kernel" in have
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        feed = {x: np.ones((3, 8, 8, 1), np.float32)}
        a = sess.run(logits, {**feed, training: False})
        b = sess.run(logits, {**feed, training: False})
    assert a.shape == (3, 10)
    np.testing.assert_array_equal(a, b)               # no dropout when not training
