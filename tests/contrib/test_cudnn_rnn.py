"""``tk.contrib.cudnn_rnn``'s layers on the CPU against a NumPy reference of cuDNN's
documented equations and TF 1.15's canonical layout (``cudnn_numpy.py``): outputs and
final states (multi-layer, bidirectional, initial states, ``sequence_lengths``,
batch-major), dropout between layers only while training, gradients against finite
differences, the parameter converters, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.contrib import cudnn_numpy as ref
from trainkit.contrib import cudnn_rnn

LAYERS = {"lstm": cudnn_rnn.CudnnLSTM, "gru": cudnn_rnn.CudnnGRU,
          "rnn_tanh": cudnn_rnn.CudnnRNNTanh, "rnn_relu": cudnn_rnn.CudnnRNNRelu}


def _build(mode, num_layers, units, depth, direction, dtype=tk.float32, **kwargs):
    layer = LAYERS[mode](num_layers, units, direction=direction, dtype=dtype, **kwargs)
    layer.build([None, None, depth])
    return layer


@pytest.mark.parametrize("mode,num_layers,direction,lengths,time_major", [
    ("lstm", 2, "bidirectional", [5, 3, 1], True),
    ("gru", 2, "unidirectional", None, False),
    ("gru", 1, "bidirectional", [2, 5, 4], True),
    ("rnn_tanh", 2, "bidirectional", None, True),
    ("rnn_relu", 1, "unidirectional", [4, 5, 2], False),
])
def test_matches_cudnn_equations(mode, num_layers, direction, lengths, time_major):
    rng = np.random.default_rng(7)
    T, B, D, U = 5, 3, 3, 4
    dirs = 2 if direction == "bidirectional" else 1
    weights, biases = ref.random_canonical(rng, mode, num_layers, U, D, dirs)
    x = rng.normal(size=(T, B, D))
    h0 = rng.normal(size=(num_layers * dirs, B, U))
    c0 = rng.normal(size=(num_layers * dirs, B, U))
    want = ref.run(mode, weights, biases, x, h0, c0, num_layers, dirs, lengths)
    with tk.Graph().as_default():
        layer = _build(mode, num_layers, U, D, direction, dropout=0.5)
        states = (h0, c0) if mode == "lstm" else (h0,)
        feed_x = x if time_major else x.transpose(1, 0, 2)
        feed_s = tuple(s if time_major else s.transpose(1, 0, 2) for s in states)
        xt = tk.placeholder(tk.float32, [None, None, D])
        st = tuple(tk.placeholder(tk.float32, [None, None, U]) for _ in states)
        lens = None if lengths is None else tk.constant(lengths)
        out, final = layer(xt, initial_state=st, sequence_lengths=lens,
                           time_major=time_major, training=False)
        assert len(final) == len(states)
        with tk.Session() as sess:
            layer.kernel.load(ref.opaque(weights, biases), sess)
            got = sess.run([out, final], {xt: feed_x, **dict(zip(st, feed_s))})
    got_out, got_states = got[0], list(got[1])
    if not time_major:
        got_out = got_out.transpose(1, 0, 2)
        got_states = [s.transpose(1, 0, 2) for s in got_states]
    np.testing.assert_allclose(got_out, want[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_states[0], want[1], rtol=1e-5, atol=1e-5)
    if mode == "lstm":
        np.testing.assert_allclose(got_states[1], want[2], rtol=1e-5, atol=1e-5)


def test_names_shapes_and_zero_state():
    with tk.Graph().as_default():
        with tk.variable_scope("main"):
            lstm = cudnn_rnn.CudnnLSTM(2, 4, name="awesome_lstm")
            x = tk.zeros([6, 2, 3])
            out, (h, c) = lstm(x)
            out2, _ = lstm(x)  # reuses the variable
        with tk.variable_scope("main", reuse=True):  # TF 1.15's testLayerBasic
            out3, _ = cudnn_rnn.CudnnLSTM(2, 4, name="awesome_lstm")(x)
        assert [v.op.name for v in tk.trainable_variables()] == ["main/awesome_lstm/opaque_kernel"]
        assert lstm.trainable_variables == [lstm.kernel]
        assert len(tk.get_collection(tk.GraphKeys.SAVEABLE_OBJECTS)) == 1
        assert lstm.canonical_weight_shapes == [(4, 3)] * 4 + [(4, 4)] * 4 + [(4, 4)] * 8
        assert lstm.canonical_bias_shapes == [[4]] * 16
        assert (lstm.input_size, lstm.num_dirs, lstm.rnn_mode) == (3, 1, "lstm")
        size = cudnn_rnn.cudnn_rnn_opaque_params_size("lstm", 2, 4, 3)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            o, o2, o3, hv, n, k = sess.run([out, out2, out3, h, size, lstm.kernel])
    assert o.shape == (6, 2, 4) and hv.shape == (2, 2, 4)
    np.testing.assert_array_equal(o, o2)
    np.testing.assert_array_equal(o, o3)
    assert n == k.size == 4 * 4 * 3 + 3 * 4 * 4 * 4 + 16 * 4
    # zero biases by default: the bias block (the last 16 * 4 entries) is zeros
    np.testing.assert_array_equal(k[-64:], 0)


def test_dropout_only_between_layers_and_only_while_training():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 8, 3)).astype(np.float32)
    with tk.Graph().as_default():
        tk.set_random_seed(1)
        two = cudnn_rnn.CudnnLSTM(2, 6, dropout=0.6, seed=5)
        one = cudnn_rnn.CudnnLSTM(1, 6, dropout=0.6, seed=5)
        outs = [two(x, training=True)[0], two(x, training=False)[0],
                one(x, training=True)[0], one(x, training=False)[0]]
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            two_train, two_infer, one_train, one_infer = sess.run(outs)
    assert np.abs(two_train - two_infer).max() > 1e-3
    np.testing.assert_array_equal(one_train, one_infer)


@pytest.mark.parametrize("mode,direction,lengths", [
    ("lstm", "bidirectional", [3, 1]),
    ("gru", "unidirectional", None),
    ("rnn_tanh", "bidirectional", [2, 3]),
])
def test_gradients_match_finite_differences(mode, direction, lengths):
    rng = np.random.default_rng(11)
    T, B, D, U = 3, 2, 2, 3
    dirs = 2 if direction == "bidirectional" else 1
    weights, biases = ref.random_canonical(rng, mode, 2, U, D, dirs)
    params = ref.opaque(weights, biases)
    x = rng.normal(size=(T, B, D))
    h0 = rng.normal(size=(2 * dirs, B, U)) * 0.5
    with tk.Graph().as_default():
        layer = _build(mode, 2, U, D, direction, dtype=tk.float64)
        xt = tk.constant(x)
        states = (tk.constant(h0), tk.constant(h0 * 0.5)) if mode == "lstm" else \
            (tk.constant(h0),)
        out, final = layer(xt, initial_state=states,
                           sequence_lengths=None if lengths is None else tk.constant(lengths))
        proj = rng.normal(size=(T, B, U * dirs))
        loss = tk.reduce_sum(out * proj) + tk.reduce_sum(final[0] * 0.3)
        g_params, g_x = tk.gradients(loss, [layer.kernel, xt])
        with tk.Session() as sess:
            layer.kernel.load(params, sess)
            got_p, got_x = sess.run([g_params, g_x])
            eps = 1e-6
            picks = rng.choice(params.size, 8, replace=False)
            for i in picks:
                hi, lo = params.copy(), params.copy()
                hi[i] += eps
                lo[i] -= eps
                layer.kernel.load(hi, sess)
                f_hi = sess.run(loss)
                layer.kernel.load(lo, sess)
                f_lo = sess.run(loss)
                np.testing.assert_allclose(got_p[i], (f_hi - f_lo) / (2 * eps),
                                           rtol=1e-5, atol=1e-7)
            layer.kernel.load(params, sess)
            d = np.zeros_like(x)
            d[1, 0, 1] = eps
            f_hi, f_lo = (sess.run(loss, {xt: x + d}), sess.run(loss, {xt: x - d}))
    np.testing.assert_allclose(got_x[1, 0, 1], (f_hi - f_lo) / (2 * eps), rtol=1e-5)


def test_trains_with_an_optimizer():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 4, 3)).astype(np.float32)
    y = rng.normal(size=(5, 4, 8)).astype(np.float32) * 0.3
    with tk.Graph().as_default():
        tk.set_random_seed(2)
        out, _ = cudnn_rnn.CudnnLSTM(1, 4, direction="bidirectional")(x)
        loss = tk.reduce_mean(tk.square(out - y))
        train = tk.train.AdamOptimizer(0.05).minimize(loss)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(15):
                sess.run(train)
            assert sess.run(loss) < 0.7 * first


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_relu"])
def test_converter_round_trip_and_layout(mode):
    rng = np.random.default_rng(5)
    weights, biases = ref.random_canonical(rng, mode, 2, 3, 2, 2)
    conv = cudnn_rnn.params.CONVERTERS[mode](2, 3, 2, direction="bidirectional")
    with tk.Graph().as_default(), tk.Session() as sess:
        tf_w, tf_b = conv.opaque_to_tf_canonical(tk.constant(ref.opaque(weights, biases)))
        back = conv.opaque_to_tf_canonical(conv.tf_canonical_to_opaque(tf_w + tf_b))
        cu_w, cu_b = cudnn_rnn.cudnn_rnn_opaque_params_to_canonical(
            mode, 2, 3, 2, tk.constant(ref.opaque(weights, biases)),
            direction="bidirectional")
        (tf_w, tf_b), back, cu = sess.run([(tf_w, tf_b), back, (cu_w, cu_b)])
    for a, b in zip(tf_w + tf_b, back[0] + back[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(cu[0] + cu[1], weights + biases):
        np.testing.assert_array_equal(a, b)
    if mode == "lstm":  # kernel [in + u, 4u] in gate order i, c, f, o; bias summed
        w_i, w_f, w_c = weights[:3]
        r_i = weights[4]
        np.testing.assert_array_equal(tf_w[0][:2, :3], w_i.T)
        np.testing.assert_array_equal(tf_w[0][2:, :3], r_i.T)
        np.testing.assert_array_equal(tf_w[0][:2, 3:6], w_c.T)
        np.testing.assert_array_equal(tf_w[0][:2, 6:9], w_f.T)
        np.testing.assert_allclose(tf_b[0][:3], biases[0] + biases[4])
    if mode == "gru":  # gates [r, u]; candidate kernels and biases apart
        np.testing.assert_array_equal(tf_w[0][:2, :3], weights[0].T)
        np.testing.assert_array_equal(tf_w[0][:2, 3:], weights[1].T)
        np.testing.assert_array_equal(tf_w[1], weights[2].T)
        np.testing.assert_array_equal(tf_w[2], weights[5].T)
        np.testing.assert_array_equal(tf_b[2], biases[5])


def test_refusals():
    C = cudnn_rnn.CudnnLSTM
    with pytest.raises(ValueError, match="Invalid direction"):
        C(1, 4, direction="both")
    with pytest.raises(ValueError, match="Invalid input_mode"):
        C(1, 4, input_mode="linear")
    with pytest.raises(ValueError, match="num_layers must be a positive int"):
        C(0, 4)
    with pytest.raises(ValueError, match="num_units must be a positive int"):
        cudnn_rnn.CudnnGRU(1, 2.5)
    with pytest.raises(ValueError, match="dropout"):
        C(2, 4, dropout=1.5)
    with pytest.raises(ValueError, match="only float16, float32, float64"):
        C(1, 4, dtype=tk.int32)
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="expected ndim=3|3 dims"):
            C(1, 4)(tk.zeros([5, 3]))
        with pytest.raises(ValueError, match="should be defined"):
            C(1, 4)(tk.placeholder(tk.float32, [None, None, None]))
        with pytest.raises(NotImplementedError, match="skip_input"):
            C(1, 4, input_mode="skip_input")(tk.zeros([2, 1, 4]))
        with pytest.raises(NotImplementedError, match="auto_select"):
            C(1, 4, input_mode="auto_select")(tk.zeros([2, 1, 4]))
        with pytest.raises(RuntimeError, match="before input shape is known"):
            _ = C(1, 4).canonical_weight_shapes
        lstm = C(1, 4)
        x = tk.zeros([2, 1, 3])
        with pytest.raises(TypeError, match="expecting tuple"):
            lstm(x, initial_state=[tk.zeros([1, 1, 4]), tk.zeros([1, 1, 4])])
        with pytest.raises(ValueError, match="must hold 2"):
            lstm(x, initial_state=(tk.zeros([1, 1, 4]),))
        with pytest.raises(TypeError, match="training must be a Python bool"):
            lstm(x, training=tk.constant(True))
        with pytest.raises(ValueError, match="expected axis -1"):
            lstm(tk.zeros([2, 1, 5]))
        conv = cudnn_rnn.CudnnParamsFormatConverterGRU(1, 4, 3)
        with pytest.raises(ValueError, match="expected 6 TF canonical tensors"):
            conv.tf_canonical_to_opaque([tk.zeros([7, 8])])
        with pytest.raises(ValueError, match="Invalid rnn_mode"):
            cudnn_rnn.cudnn_rnn_opaque_params_size("lstmx", 1, 4, 3)
        with pytest.raises(NotImplementedError, match="num_proj"):
            cudnn_rnn.CudnnParamsFormatConverterLSTM(1, 4, 3, num_proj=2)
