"""TF 1.15's documented ``tf.contrib.cudnn_rnn`` checkpoint workflow: a cuDNN layer's
checkpoint holds its canonical weights under the compatible cells' names, so a CPU graph
of ``CudnnCompatibleLSTMCell`` / ``CudnnCompatibleGRUCell`` / ``BasicRNNCell`` (a
``MultiRNNCell`` under ``dynamic_rnn``, or ``stack_bidirectional_dynamic_rnn``) restores
it and computes the same outputs, and the other way round. The layers themselves are
checked against NumPy in ``test_cudnn_rnn.py``; the compatible GRU cell's step is also
checked here against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.contrib import cudnn_numpy as ref
from trainkit.contrib import cudnn_rnn

T, B, D, U = 4, 3, 3, 5


def _compatible_graph(mode, num_layers, bidi, x):
    cell = {"lstm": cudnn_rnn.CudnnCompatibleLSTMCell, "gru": cudnn_rnn.CudnnCompatibleGRUCell,
            "rnn_tanh": tk.nn.rnn_cell.BasicRNNCell}[mode]
    if not bidi:
        stack = tk.nn.rnn_cell.MultiRNNCell([cell(U) for _ in range(num_layers)])
        out, _ = tk.nn.dynamic_rnn(stack, x, time_major=True, dtype=tk.float32)
        return out
    out, _, _ = tk.contrib.rnn.stack_bidirectional_dynamic_rnn(
        [cell(U) for _ in range(num_layers)], [cell(U) for _ in range(num_layers)], x,
        time_major=True, dtype=tk.float32)
    return out


@pytest.mark.parametrize("mode,num_layers,direction", [
    ("lstm", 2, "unidirectional"),
    ("gru", 2, "bidirectional"),
    ("rnn_tanh", 1, "unidirectional"),
])
def test_cudnn_checkpoint_restores_into_compatible_cells(tmp_path, mode, num_layers,
                                                          direction):
    layer_cls = {"lstm": cudnn_rnn.CudnnLSTM, "gru": cudnn_rnn.CudnnGRU,
                 "rnn_tanh": cudnn_rnn.CudnnRNNTanh}[mode]
    bidi = direction == "bidirectional"
    rng = np.random.default_rng(1)
    x = rng.normal(size=(T, B, D)).astype(np.float32)
    path = str(tmp_path / "model.ckpt")
    with tk.Graph().as_default():
        layer = layer_cls(num_layers, U, direction=direction,
                          bias_initializer=tk.random_uniform_initializer(-0.5, 0.5))
        out, _ = layer(tk.constant(x))
        saver = tk.train.Saver()
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            want = sess.run(out)
            saver.save(sess, path, write_meta_graph=False)
            # the saveable's tensors win over the saved opaque buffer on restore
            sess.run(layer.kernel.assign(tk.zeros_like(layer.kernel)))
            saver.restore(sess, path)
            np.testing.assert_allclose(sess.run(out), want, rtol=1e-6, atol=1e-6)
    names = dict(tk.train.list_variables(path))
    assert f"{layer.name}/opaque_kernel" in names
    with tk.Graph().as_default():
        with tk.variable_scope(layer.name):
            got_t = _compatible_graph(mode, num_layers, bidi, tk.constant(x))
        cpu_vars = {v.op.name: v.shape.as_list() for v in tk.global_variables()}
        assert {k: names[k] for k in cpu_vars} == cpu_vars
        with tk.Session() as sess:
            tk.train.Saver().restore(sess, path)
            got = sess.run(got_t)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_compatible_checkpoint_restores_into_cudnn_layer(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(T, B, D)).astype(np.float32)
    path = str(tmp_path / "cpu.ckpt")
    with tk.Graph().as_default():
        with tk.variable_scope("cudnn_lstm"):
            out_t = _compatible_graph("lstm", 2, True, tk.constant(x))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for v in tk.global_variables():  # non-zero biases too
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()), sess)
            want = sess.run(out_t)
            tk.train.Saver().save(sess, path, write_meta_graph=False)
    with tk.Graph().as_default():
        lstm = cudnn_rnn.CudnnLSTM(2, U, direction="bidirectional")
        out, _ = lstm(tk.constant(x))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            # no opaque_kernel in this checkpoint: restore the canonical tensors alone
            tk.train.Saver(var_list=[lstm.saveable]).restore(sess, path)
            got = sess.run(out)
            with pytest.raises(tk.errors.NotFoundError, match="opaque_kernel"):
                tk.train.Saver().restore(sess, path)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_restore_refuses_other_shapes_and_missing_tensors(tmp_path):
    path = str(tmp_path / "m.ckpt")
    with tk.Graph().as_default():
        small = cudnn_rnn.CudnnGRU(1, U)
        small.build([None, None, D])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            tk.train.Saver().save(sess, path, write_meta_graph=False)
    with tk.Graph().as_default():
        wide = cudnn_rnn.CudnnGRU(1, U)
        wide.build([None, None, D + 2])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            with pytest.raises(tk.errors.InvalidArgumentError, match="has shape"):
                tk.train.Saver(var_list=[wide.saveable]).restore(sess, path)
    with tk.Graph().as_default():
        deep = cudnn_rnn.CudnnGRU(2, U)
        deep.build([None, None, D])
        with tk.Session() as sess:
            with pytest.raises(tk.errors.NotFoundError, match="cell_1"):
                tk.train.Saver(var_list=[deep.saveable]).restore(sess, path)


def test_compatible_gru_cell_step_matches_numpy():
    rng = np.random.default_rng(4)
    x, h = rng.normal(size=(B, D)), rng.normal(size=(B, U))
    with tk.Graph().as_default():
        cell = cudnn_rnn.CudnnCompatibleGRUCell(U)
        new_h, _ = cell(tk.constant(x), tk.constant(h))
        names = sorted(v.op.name for v in cell.variables)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            vals = {v.op.name.split("cell/")[1]: rng.uniform(-0.5, 0.5, v.shape.as_list())
                    for v in cell.variables}
            for v in cell.variables:
                v.load(vals[v.op.name.split("cell/")[1]], sess)
            got = sess.run(new_h)
    assert names == [f"cudnn_compatible_gru_cell/{n}" for n in (
        "candidate/hidden_projection/bias", "candidate/hidden_projection/kernel",
        "candidate/input_projection/bias", "candidate/input_projection/kernel",
        "gates/bias", "gates/kernel")]
    gates = ref.sigmoid(np.concatenate([x, h], 1) @ vals["gates/kernel"] + vals["gates/bias"])
    r, u = gates[:, :U], gates[:, U:]
    cand = np.tanh(x @ vals["candidate/input_projection/kernel"]
                   + vals["candidate/input_projection/bias"]
                   + r * (h @ vals["candidate/hidden_projection/kernel"]
                          + vals["candidate/hidden_projection/bias"]))
    np.testing.assert_allclose(got, u * h + (1 - u) * cand, rtol=1e-6)


def test_a_key_saved_twice_is_refused():
    """A compatible cell's variable and a cuDNN layer's canonical tensor of one name."""
    with tk.Graph().as_default():
        lstm = cudnn_rnn.CudnnLSTM(1, U)
        lstm.build([None, None, D])  # built outside its scope: canonical names unprefixed
        _compatible_graph("lstm", 1, False, tk.zeros([T, B, D]))
        with pytest.raises(ValueError, match="rnn/multi_rnn_cell/cell_0/cudnn_compatible"
                                             "_lstm_cell/kernel"):
            tk.train.Saver()
