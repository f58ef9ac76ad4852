"""MultiRNNCell, DropoutWrapper, ResidualWrapper and DeviceWrapper against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.rnn import rnn_reference as ref

R = tk.nn.rnn_cell


def _init_and_run(fetches, feed=None):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches, feed), sess.run(tk.trainable_variables())


@pytest.mark.parametrize("state_is_tuple", [True, False])
def test_multi_rnn_cell_stacks_layers(state_is_tuple):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3))
    cells = [R.BasicLSTMCell(4, state_is_tuple=state_is_tuple), R.BasicRNNCell(2)]
    cell = R.MultiRNNCell(cells, state_is_tuple=state_is_tuple)
    state = cell.zero_state(2, tk.float64)
    out, new = cell(tk.constant(x), state)
    (o, s), (k0, b0, k1, b1) = _init_and_run((out, new))
    h0, (c, h) = ref.basic_lstm(x, np.zeros((2, 4)), np.zeros((2, 4)), k0, b0)
    h1, _ = ref.basic_rnn(h0, np.zeros((2, 2)), k1, b1)
    np.testing.assert_allclose(o, h1, rtol=1e-12)
    if state_is_tuple:
        np.testing.assert_allclose(s[0].c, c, rtol=1e-12)
        np.testing.assert_allclose(s[1], h1, rtol=1e-12)
    else:
        assert cell.state_size == 10
        np.testing.assert_allclose(s, np.concatenate([c, h, h1], 1), rtol=1e-12)


def test_multi_rnn_cell_bad_arguments():
    with pytest.raises(ValueError, match="at least one cell"):
        R.MultiRNNCell([])
    with pytest.raises(TypeError, match="list or tuple"):
        R.MultiRNNCell(R.GRUCell(2))
    with pytest.raises(TypeError, match="not an RNNCell"):
        R.MultiRNNCell([3])
    with pytest.raises(ValueError, match="state_is_tuple"):
        R.MultiRNNCell([R.BasicLSTMCell(2)], state_is_tuple=False)
    cell = R.MultiRNNCell([R.GRUCell(2), R.GRUCell(2)])
    with pytest.raises(ValueError, match="tuple of length 2"):
        cell(tk.zeros([1, 2]), tk.zeros([1, 2]))


def test_dropout_wrapper_keep_probs_and_default_state_filter():
    cell = R.DropoutWrapper(R.BasicLSTMCell(64), input_keep_prob=0.5, output_keep_prob=0.25,
                            state_keep_prob=0.5, seed=3)
    x = tk.ones([50, 64])
    out, st = cell(x, cell.zero_state(50, tk.float32))
    plain = R.BasicLSTMCell(64)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        o, s = sess.run((out, st))
        o2 = sess.run(out)
    frac_out = np.mean(o == 0)
    assert 0.70 < frac_out < 0.80                 # output dropped with p = 0.75
    assert 0.45 < np.mean(s.h == 0) < 0.55        # h dropped with p = 0.5
    assert np.mean(s.c == 0) < 0.01               # c is never dropped (TF1 default)
    nz = o[o != 0]
    assert np.all(np.abs(nz) <= 4.0 + 1e-6)       # scaled by 1 / keep_prob
    assert not np.array_equal(o, o2)              # a new mask per run
    del plain


def test_dropout_wrapper_seed_reproduces_masks_in_a_new_session():
    def build():
        tk.reset_default_graph()
        tk.set_random_seed(7)
        cell = R.DropoutWrapper(R.BasicRNNCell(8, activation=tk.identity),
                                output_keep_prob=0.5, seed=11)
        out, _ = cell(tk.ones([4, 8]), tk.zeros([4, 8]))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            return sess.run(out) != 0
    np.testing.assert_array_equal(build(), build())


def test_variational_dropout_mask_is_shared_across_time_steps():
    cell = R.DropoutWrapper(R.BasicRNNCell(32, activation=lambda v: v * 0.0 + 1.0),
                            output_keep_prob=0.5, variational_recurrent=True,
                            dtype=tk.float32)
    xs = [tk.ones([3, 5]) for _ in range(3)]
    outs, _ = tk.nn.static_rnn(cell, xs, dtype=tk.float32)
    (o,), _ = _init_and_run([outs])
    masks = [v != 0 for v in o]
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], masks[2])
    np.testing.assert_array_equal(masks[0][0], masks[0][1])   # one mask for the batch
    assert set(np.unique(o[0])) <= {0.0, 2.0}


def test_dropout_wrapper_bad_arguments():
    with pytest.raises(ValueError, match="between 0 and 1"):
        R.DropoutWrapper(R.GRUCell(2), output_keep_prob=1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        R.DropoutWrapper(R.GRUCell(2), input_keep_prob=0.0)
    with pytest.raises(ValueError, match="dtype must be provided"):
        R.DropoutWrapper(R.GRUCell(2), variational_recurrent=True)
    with pytest.raises(ValueError, match="input_size"):
        R.DropoutWrapper(R.GRUCell(2), input_keep_prob=0.5, variational_recurrent=True,
                         dtype=tk.float32)
    with pytest.raises(TypeError, match="not an RNNCell"):
        R.DropoutWrapper("cell")


def test_residual_and_device_wrappers():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3))
    cell = R.DeviceWrapper(R.ResidualWrapper(R.BasicRNNCell(3)), "/cpu:0")
    out, st = cell(tk.constant(x), tk.zeros([2, 3], tk.float64))
    (o, s), (k, b) = _init_and_run((out, st))
    want, _ = ref.basic_rnn(x, np.zeros((2, 3)), k, b)
    np.testing.assert_allclose(o, want + x, rtol=1e-12)
    np.testing.assert_allclose(s, want, rtol=1e-12)
    custom = R.ResidualWrapper(R.BasicRNNCell(3, name="c2"), residual_fn=lambda i, o: o - i)
    out2, _ = custom(tk.constant(x), tk.zeros([2, 3], tk.float64))
    bad = R.ResidualWrapper(R.BasicRNNCell(2))
    with pytest.raises(ValueError, match="equal shapes"):
        bad(tk.constant(x), tk.zeros([2, 2], tk.float64))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        k2, b2 = sess.run(custom.variables)
        want2, _ = ref.basic_rnn(x, np.zeros((2, 3)), k2, b2)
        np.testing.assert_allclose(sess.run(out2), want2 - x, rtol=1e-12)


def test_contrib_rnn_aliases_are_the_same_classes():
    import trainkit.contrib.rnn as crnn

    assert tk.contrib.rnn.BasicLSTMCell is R.BasicLSTMCell
    assert crnn.LSTMStateTuple is R.LSTMStateTuple
    assert tk.contrib.rnn.static_rnn is tk.nn.static_rnn
