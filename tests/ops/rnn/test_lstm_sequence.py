"""The whole-sequence LSTM op (``LSTMSequence``): thread-count independence, unknown and
zero time dimensions, and its refusal of second derivatives. (Values against the cells
built op by op: ``test_lstm_block.py``; finite differences:
``tests/autodiff/test_gradient_registry.py``.)"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import gemm, parallel
from trainkit.ops.rnn.seq_stages import row_chunks, time_blocks

R = tk.nn.rnn_cell


def _train_values(batch, cell_fn, steps=4, depth=3, threads=1, lengths=None):
    """Outputs, final state and all gradients of a dynamic_rnn, run with ``threads``
    kernel threads."""
    rng = np.random.default_rng(11)
    x_np = rng.normal(size=(batch, steps, depth)).astype(np.float32)
    graph = tk.Graph()
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with graph.as_default():
            tk.set_random_seed(3)
            x = tk.constant(x_np)
            out, state = tk.nn.dynamic_rnn(cell_fn(), x, dtype=tk.float32,
                                           sequence_length=lengths)
            assert any(op.type == "LSTMSequence" for op in graph.get_operations())
            loss = tk.reduce_sum(tk.sin(out)) + tk.reduce_sum(tk.nest.flatten(state)[0])
            grads = tk.gradients(loss, [x] + tk.trainable_variables())
            with tk.Session() as sess:
                sess.run(tk.global_variables_initializer())
                return sess.run([out, tk.nest.flatten(state), grads])
    finally:
        parallel.set_kernel_threads(old)


def _flat(values):
    return [np.asarray(v) for v in tk.nest.flatten(values)]


@pytest.mark.parametrize("batch,steps", [(40, 15), (130, 4), (300, 3)])
@pytest.mark.parametrize("cell", ["basic", "peephole_clip"])
def test_results_are_bitwise_the_same_for_any_thread_count(batch, steps, cell,
                                                           gemm_backend):
    """Under either GEMM backend (``conftest.py``: under ONNX Runtime the input blocks
    and the weight gradients are its products)."""
    make = {"basic": lambda: R.BasicLSTMCell(5),
            "peephole_clip": lambda: R.LSTMCell(5, use_peepholes=True, cell_clip=0.5)}[cell]
    # several time blocks or row chunks: the stages overlap differently with threads
    assert len(time_blocks(steps, batch)) > 2 or len(row_chunks(batch)) > 2
    lengths = np.arange(batch, dtype=np.int32) % (steps + 2)  # 0..steps+1
    one = _flat(_train_values(batch, make, steps=steps, threads=1, lengths=lengths))
    for threads in (2, 3):
        other = _flat(_train_values(batch, make, steps=steps, threads=threads,
                                    lengths=lengths))
        for a, b in zip(one, other):
            np.testing.assert_array_equal(a, b)
    if gemm.backend() == "onnxruntime":
        # the first step's input block [batch, 4N]; dw's x and h rows [3 | 5, 4N]
        assert {(batch, 20), (3, 20), (5, 20)} <= set(gemm_backend)


def test_row_chunks_and_time_blocks_depend_on_the_shape_only():
    assert row_chunks(8) == [0, 8]
    assert row_chunks(32) == [0, 32]
    assert row_chunks(130) == [0, 65, 130]
    assert row_chunks(300) == [0, 75, 150, 225, 300]
    assert time_blocks(50, 32) == [0, 1, 9, 17, 25, 33, 41, 49, 50]
    assert time_blocks(3, 300) == [0, 1, 2, 3]
    assert time_blocks(9, 128) == [0, 1, 3, 5, 7, 8, 9]
    assert time_blocks(2, 32) == [0, 1, 2]
    assert time_blocks(0, 32) == [0]


def test_unknown_and_zero_time_dimension():
    rng = np.random.default_rng(12)
    x = tk.placeholder(tk.float64, [2, None, 3])
    cell = R.BasicLSTMCell(4)
    c0 = tk.constant(rng.normal(size=(2, 4)))
    h0 = tk.constant(rng.normal(size=(2, 4)))
    out, state = tk.nn.dynamic_rnn(cell, x, initial_state=R.LSTMStateTuple(c0, h0))
    assert any(op.type == "LSTMSequence"
                                for op in tk.get_default_graph().get_operations())
    gc0, gh0 = tk.gradients(tk.reduce_sum(state.c) + tk.reduce_sum(out), [c0, h0])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        o, s, g = sess.run([out, state, [gc0, gh0]], {x: np.zeros((2, 0, 3))})
        assert o.shape == (2, 0, 4)
        np.testing.assert_array_equal(s.c, sess.run(c0))   # no step: the initial state
        np.testing.assert_array_equal(g[0], np.ones((2, 4)))
        np.testing.assert_array_equal(g[1], np.zeros((2, 4)))
        o5, _ = sess.run([out, state], {x: rng.normal(size=(2, 5, 3))})
        assert o5.shape == (2, 5, 4)


def test_second_derivatives_are_refused_with_a_clear_error():
    x = tk.constant(np.ones((2, 3, 2)))
    out, _ = tk.nn.dynamic_rnn(R.BasicLSTMCell(2), x, dtype=tk.float64)
    (g,) = tk.gradients(tk.reduce_sum(out), [x])
    with pytest.raises(LookupError, match="fused LSTM sequence"):
        tk.gradients(tk.reduce_sum(g), [x])


def test_a_subclass_overriding_call_keeps_its_own_step():
    class Doubled(R.BasicLSTMCell):
        def call(self, inputs, state):
            out, st = super().call(inputs, state)
            return out * 2.0, st

    x = tk.constant(np.ones((2, 3, 2)))
    tk.nn.dynamic_rnn(Doubled(2), x, dtype=tk.float64)
    types = {op.type for op in tk.get_default_graph().get_operations()}
    assert "LSTMSequence" not in types and "LSTMBlock" in types


def _values(fused, make, batch, steps, threads):
    """Outputs, final state and gradients (x and weights) of a dynamic_rnn with
    sequence lengths; ``fused=False`` builds the same cell op by op."""
    rng = np.random.default_rng(8)
    graph = tk.Graph()
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with graph.as_default():
            x = tk.constant(rng.normal(size=(batch, steps, 3)))
            lengths = rng.integers(0, steps + 2, batch).astype(np.int32)
            cell = make(None if fused else (lambda v: tk.tanh(v)))
            out, state = tk.nn.dynamic_rnn(cell, x, dtype=tk.float64,
                                           sequence_length=lengths)
            types = {op.type for op in graph.get_operations()}
            assert ("LSTMSequence" in types) is fused
            loss = tk.reduce_sum(tk.sin(out)) + tk.reduce_sum(tk.nest.flatten(state)[0])
            variables = sorted(tk.trainable_variables(), key=lambda v: v.op.name)
            grads = tk.gradients(loss, [x] + variables)
            wrng = np.random.default_rng(9)
            sets = [tk.assign(v, wrng.uniform(-0.6, 0.6, v.shape.as_list()))
                    for v in variables]
            with tk.Session() as sess:
                sess.run(sets)
                return _flat(sess.run([out, state, grads]))
    finally:
        parallel.set_kernel_threads(old)


@pytest.mark.parametrize("batch,steps", [(140, 12), (33, 40)])
@pytest.mark.parametrize("cell", ["basic", "peephole_clip"])
def test_blocks_and_chunks_match_the_cell_op_by_op(batch, steps, cell, gemm_backend):
    """Several row chunks and time blocks (the block-wise input products, weight and
    bias gradients summed over blocks, stages on two threads) against the same cell
    built op by op, under either GEMM backend (ONNX Runtime sums in another order: a
    tolerance, not bits)."""
    make = {"basic": lambda act: R.BasicLSTMCell(5, forget_bias=0.8, activation=act),
            "peephole_clip": lambda act: R.LSTMCell(5, use_peepholes=True, cell_clip=0.7,
                                                    activation=act)}[cell]
    assert len(time_blocks(steps, batch)) > 3
    got = _values(True, make, batch, steps, threads=2)
    want = _values(False, make, batch, steps, threads=1)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-11 * np.max(np.abs(b)))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_gate_affine_is_the_sigmoid_from_tanh_and_keeps_ci_bit_for_bit(dtype):
    """The whole-step ``t * scale + offset`` equals ``(t + 1) / 2`` on the ``i, f, o``
    columns and leaves the ``ci`` columns bit for bit, signed zeros included."""
    from trainkit.ops.rnn.lstm_sequence import _gate_affine, _sigmoid_from_tanh

    n = 5
    rng = np.random.default_rng(4)
    t = np.tanh(rng.normal(size=(3, 4 * n))).astype(dtype)
    t[0, :n] = -0.0
    t[1, :n] = 0.0
    t[2, 0] = np.nan
    want = t.copy()
    _sigmoid_from_tanh(want[:, n:])
    scale, offset = _gate_affine(n, np.dtype(dtype))
    got = np.add(np.multiply(t, scale), offset)
    np.testing.assert_array_equal(got.view(f"u{t.itemsize}"), want.view(f"u{t.itemsize}"))


@pytest.mark.parametrize("cell,lengths", [
    ("basic", None), ("clip", None), ("clip", "ragged"), ("peephole", None)])
def test_compiled_loops_give_the_numpy_bits(cell, lengths, monkeypatch):
    """The compiled gate / cell loops of the forward and the factor / step loops of the
    gradient (``ops/jit.py``) against the NumPy calls they replace: outputs, states and
    every gradient bitwise equal, with a cell clip, ragged lengths (the gradient's
    per-step loop then stays NumPy) and peepholes (both stay NumPy), on 1 and 2
    threads."""
    pytest.importorskip("numba")
    from trainkit.ops import jit
    from trainkit.ops.rnn import lstm_sequence, lstm_sequence_grad
    calls = {"cell": 0, "step": 0, "factors": 0}
    for mod, name, key in ((lstm_sequence, "_gates_and_cell", "cell"),
                           (lstm_sequence_grad, "_cell_step", "step"),
                           (lstm_sequence_grad, "_factors", "factors")):
        def counted(*args, _f=getattr(mod, name), _k=key):
            calls[_k] += 1
            return _f(*args)
        monkeypatch.setattr(mod, name, counted)
    make = {"basic": lambda: R.BasicLSTMCell(6, forget_bias=0.5),
            "clip": lambda: R.LSTMCell(6, cell_clip=0.3),
            "peephole": lambda: R.LSTMCell(6, use_peepholes=True)}[cell]
    lens = None if lengths is None else np.array([5, 0, 3, 7, 1, 7, 2, 6], np.int32)
    got = {}
    for backend in ("numpy", "numba"):
        prev = jit.set_backend(backend)
        try:
            for threads in (1, 2):
                got[backend, threads] = _flat(_train_values(8, make, steps=7, depth=4,
                                                            threads=threads, lengths=lens))
        finally:
            jit.set_backend(prev)
    want = got["numpy", 1]
    for key, values in got.items():
        for a, b in zip(want, values):
            assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), key
    assert (calls["cell"] > 0) is (cell != "peephole")
    assert (calls["step"] > 0) is (cell != "peephole" and lengths is None)
    assert calls["factors"] > 0
