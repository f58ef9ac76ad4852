"""``tk.keras`` recurrent layers and wrappers: behaviour checked by hand-computable cases
and NumPy (dropout masks, custom cells, time-major, configs) and every bad input's typed
error. The comparisons with TF's own numbers are in ``test_rnn_vs_tf.py``."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

L = tk.keras.layers


@pytest.fixture(autouse=True)
def _fresh():
    tk.keras.backend.clear_session()
    yield
    tk.keras.backend.clear_session()


def _sess():
    return tk.keras.backend.get_session()


def _identity_rnn(**kwargs):
    """A linear SimpleRNN(3) whose kernel is I and recurrent kernel ``rec`` (default 0)."""
    rec = kwargs.pop("rec", np.zeros((3, 3), np.float32))
    layer = L.SimpleRNN(3, activation=None, return_sequences=True, **kwargs)
    x = tk.placeholder(tk.float32, [None, 4, 3])
    y = layer(x)
    layer.set_weights([np.eye(3, dtype=np.float32), rec, np.zeros(3, np.float32)])
    return x, y


def test_input_dropout_mask_is_drawn_once_per_call_and_only_when_training():
    x, y = _identity_rnn(dropout=0.5)
    xv = np.ones((64, 4, 3), np.float32)
    phase = tk.keras.backend.learning_phase()
    train = _sess().run(y, {x: xv, phase: True})
    assert set(np.unique(train)) <= {0.0, 2.0}
    assert 0 < (train == 0).mean() < 1
    np.testing.assert_array_equal(train, np.repeat(train[:, :1], 4, axis=1))
    np.testing.assert_array_equal(_sess().run(y, {x: xv}), xv)


def test_recurrent_dropout_scales_the_previous_output_with_one_mask():
    x, y = _identity_rnn(recurrent_dropout=0.5, rec=np.eye(3, dtype=np.float32))
    xv = np.zeros((64, 4, 3), np.float32)
    xv[:, 0] = 1.0
    out = _sess().run(y, {x: xv, tk.keras.backend.learning_phase(): True})
    mask = out[:, 1]
    assert set(np.unique(mask)) <= {0.0, 2.0}
    np.testing.assert_array_equal(out[:, 2], mask * mask)
    np.testing.assert_array_equal(out[:, 3], mask ** 3)


def test_training_argument_overrides_the_learning_phase():
    layer = L.LSTM(4, dropout=0.9)
    x = tk.placeholder(tk.float32, [None, 3, 2])
    y_train, y_test = layer(x, training=True), layer(x, training=False)
    xv = np.random.RandomState(0).randn(8, 3, 2).astype(np.float32)
    a, b = _sess().run([y_train, y_test], {x: xv})
    assert not np.allclose(a, b)
    ref = L.LSTM(4)
    y_ref = ref(x)
    ref.set_weights(layer.get_weights())
    np.testing.assert_allclose(_sess().run(y_ref, {x: xv}), b, rtol=1e-6)


class Accumulate(L.AbstractRNNCell):
    """h_t = h_{t-1} + x_t @ k: a custom cell for RNN."""

    @property
    def state_size(self):
        return 2

    @property
    def output_size(self):
        return 2

    def build(self, input_shape):
        self.k = self.add_weight("k", [input_shape[-1], 2], initializer="ones")

    def call(self, inputs, states):
        h = states[0] + tk.matmul(inputs, self.k)
        return h, [h]


def test_custom_cell_runs_forwards_and_backwards_against_numpy():
    x = tk.placeholder(tk.float32, [None, 5, 3])
    xv = np.random.RandomState(1).randn(2, 5, 3).astype(np.float32)
    layer = L.RNN(Accumulate(), return_sequences=True)
    back = L.RNN(Accumulate(), go_backwards=True, return_sequences=True)
    ys = [layer(x), back(x)]
    a, b = _sess().run(ys, {x: xv})
    want = np.cumsum(xv.sum(-1, keepdims=True).repeat(2, -1), axis=1)
    np.testing.assert_allclose(a, want, rtol=1e-5)
    want_back = np.cumsum(xv[:, ::-1].sum(-1, keepdims=True).repeat(2, -1), axis=1)
    np.testing.assert_allclose(b, want_back, rtol=1e-5)
    assert [v.name for v in layer.weights] == ["rnn/accumulate/k:0"]


class MinimalRNNCell(L.Layer):
    """The Keras docs' cell: a plain Layer with a ``state_size`` attribute."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", [input_shape[-1], self.units],
                                      initializer="ones")
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self.units, self.units],
                                                initializer="zeros")

    def call(self, inputs, states):
        h = tk.matmul(inputs, self.kernel) + tk.matmul(states[0], self.recurrent_kernel)
        return h, [h]


def test_plain_layer_cells_stack_against_numpy():
    x = tk.placeholder(tk.float32, [None, 3, 2])
    layer = L.RNN([MinimalRNNCell(4), MinimalRNNCell(2)], return_state=True)
    out, s1, s2 = layer(x)
    xv = np.random.RandomState(7).randn(2, 3, 2).astype(np.float32)
    got = _sess().run([out, s1, s2], {x: xv})
    last = xv[:, -1].sum(-1, keepdims=True)
    np.testing.assert_allclose(got[1], np.repeat(last, 4, -1), rtol=1e-5)
    np.testing.assert_allclose(got[0], np.repeat(4 * last, 2, -1), rtol=1e-5)
    np.testing.assert_allclose(got[2], got[0], rtol=1e-6)


def test_time_major_and_unroll_give_the_batch_major_loop_numbers():
    xv = np.random.RandomState(2).randn(3, 4, 2).astype(np.float32)
    x = tk.placeholder(tk.float32, [None, 4, 2])
    xt = tk.placeholder(tk.float32, [4, None, 2])
    base = L.GRU(3, return_sequences=True)
    y = base(x)
    major = L.GRU(3, return_sequences=True, time_major=True)
    unrolled = L.GRU(3, return_sequences=True, unroll=True)
    y_major, y_unroll = major(xt), unrolled(x)
    for other in (major, unrolled):
        other.set_weights(base.get_weights())
    a, b, c = _sess().run([y, y_major, y_unroll], {x: xv, xt: xv.transpose(1, 0, 2)})
    np.testing.assert_allclose(b.transpose(1, 0, 2), a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-6)


def test_masking_layer_zeroes_masked_steps_and_computes_the_mask():
    x = tk.placeholder(tk.float32, [None, 3, 2])
    layer = L.Masking(mask_value=1.0)
    y = layer(x)
    xv = np.array([[[1, 1], [1, 2], [0, 0]]], np.float32)
    out, mask = _sess().run([y, layer.compute_mask(x)], {x: xv})
    np.testing.assert_array_equal(out, [[[0, 0], [1, 2], [0, 0]]])
    np.testing.assert_array_equal(mask, [[False, True, True]])


def test_fit_with_recurrent_dropout_trains():
    rng = np.random.RandomState(3)
    xv = rng.randn(64, 5, 2).astype(np.float32)
    yv = (xv[:, :, 0].sum(1) > 0).astype(np.float32)
    model = tk.keras.Sequential([L.LSTM(8, dropout=0.1, recurrent_dropout=0.1,
                                        input_shape=(5, 2)),
                                 L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tk.keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    hist = model.fit(xv, yv, batch_size=16, epochs=6, verbose=0, shuffle=False)
    assert hist.history["loss"][-1] < 0.75 * hist.history["loss"][0]


def test_regularizers_trainable_and_weight_copy():
    layer = L.LSTM(2, kernel_regularizer=tk.keras.regularizers.l2(0.1),
                   recurrent_regularizer=tk.keras.regularizers.l2(0.1))
    layer(tk.placeholder(tk.float32, [None, 3, 2]))
    assert len(layer.losses) == 2
    assert layer.units == 2 and layer.unit_forget_bias and layer.dropout == 0.0
    frozen = L.GRU(2, trainable=False)
    frozen(tk.placeholder(tk.float32, [None, 3, 2]))
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 3
    bidi = L.Bidirectional(L.LSTM(2))
    bidi(tk.placeholder(tk.float32, [None, 3, 2]))
    weights = [w + 1 for w in bidi.get_weights()]
    bidi.set_weights(weights)
    for a, b in zip(bidi.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    assert len(bidi.forward_layer.weights) == 3


def test_bidirectional_with_its_own_backward_layer():
    fwd = L.SimpleRNN(2, return_sequences=True)
    bwd = L.GRU(2, return_sequences=True, go_backwards=True)
    bidi = L.Bidirectional(fwd, backward_layer=bwd, merge_mode="concat")
    y = bidi(tk.placeholder(tk.float32, [None, 4, 3]))
    assert y.shape.as_list() == [None, 4, 4]
    assert bidi.backward_layer.name.startswith("backward_gru")


def test_keras_tensor_initial_states_join_the_model():
    enc_in, dec_in = tk.keras.Input(shape=(4, 2)), tk.keras.Input(shape=(3, 2))
    encoder = L.Bidirectional(L.GRU(2, return_state=True))
    _, fwd_h, bwd_h = encoder(enc_in)
    decoder = L.Bidirectional(L.GRU(2, return_sequences=True))
    model = tk.keras.Model([enc_in, dec_in],
                           decoder(dec_in, initial_state=[fwd_h, bwd_h]))
    assert len(model.trainable_weights) == 12
    xe = np.random.RandomState(5).randn(2, 4, 2).astype(np.float32)
    xd = np.random.RandomState(6).randn(2, 3, 2).astype(np.float32)
    zero_start = L.Bidirectional(L.GRU(2, return_sequences=True))
    y0 = zero_start(dec_in)
    zero_start.set_weights(decoder.get_weights())
    got = model.predict([xe, xd])
    assert got.shape == (2, 3, 4)
    assert not np.allclose(got, _sess().run(y0, {dec_in: xd}))


def test_clone_layer_keeps_the_configuration():
    from trainkit.keras.recurrent_layers import clone_layer

    gru = L.GRU(3, reset_after=True, recurrent_dropout=0.2, return_state=True)
    copy = clone_layer(gru, name="copy")
    assert (copy.name, copy.units, copy.reset_after, copy.recurrent_dropout,
            copy.return_state) == ("copy", 3, True, 0.2, True)
    stacked = clone_layer(L.RNN([L.LSTMCell(2), L.GRUCell(3)]))
    assert [type(c).__name__ for c in stacked.cell.cells] == ["LSTMCell", "GRUCell"]


# -- typed errors ---------------------------------------------------------------------------
def test_stateful_is_refused():
    with pytest.raises(NotImplementedError, match="stateful"):
        L.LSTM(2, stateful=True)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: L.LSTM(2), [None, 3], "expected ndim=3, found ndim=2"),
    (lambda: L.GRU(2), [None, 3, 4, 5], "expected ndim=3, found ndim=4"),
    (lambda: L.LSTM(2, unroll=True), [None, None, 3], "Cannot unroll"),
    (lambda: L.TimeDistributed(L.Dense(2)), [None, 3], "at least 3 dimensions"),
    (lambda: L.SimpleRNN(2), [None, 4, None], "last dimension"),
])
def test_bad_inputs(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(tk.placeholder(tk.float32, shape))


@pytest.mark.parametrize("make,error,match", [
    (lambda: L.Bidirectional(L.LSTM(2), merge_mode="max"), ValueError, "Invalid merge mode"),
    (lambda: L.Bidirectional("lstm"), ValueError, "Layer` instance"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=3), ValueError, "backward_layer"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2)), ValueError,
     "different `go_backwards`"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(
        2, go_backwards=True, return_sequences=True)), ValueError, "return_sequences"),
    (lambda: L.TimeDistributed(3), ValueError, "Layer` instance"),
    (lambda: L.RNN(3), ValueError, "`call` method"),
    (lambda: L.StackedRNNCells([L.LSTMCell(2), 3]), ValueError, "`call` method"),
    (lambda: L.LSTMCell(0), ValueError, "units"),
    (lambda: L.GRU(-1), ValueError, "units"),
    (lambda: L.GRU(2, activation="nope"), ValueError, "nope"),
    (lambda: L.LSTM(2, dropout="x"), TypeError, "dropout"),
    (lambda: L.SimpleRNNCell(2, recurrent_activation="tanh"), TypeError, "not understood"),
    (lambda: L.LSTM(2, implementation=3), ValueError, "implementation"),
    (lambda: L.LSTM(2, bogus=1), TypeError, "not understood"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_initial_state_of_the_wrong_length():
    layer = L.LSTM(2)
    x = tk.placeholder(tk.float32, [None, 3, 2])
    with pytest.raises(ValueError, match="expects 2 state"):
        layer(x, initial_state=[tk.zeros([1, 2])])


def test_constants_are_refused():
    x = tk.placeholder(tk.float32, [None, 3, 2])
    with pytest.raises(NotImplementedError, match="constants"):
        L.LSTM(2)(x, constants=[tk.zeros([1, 2])])


def test_set_weights_checks_count_and_shapes():
    layer = L.GRU(2)
    layer(tk.placeholder(tk.float32, [None, 3, 2]))
    with pytest.raises(ValueError, match="expecting 3 weights"):
        layer.set_weights([])
    with pytest.raises(ValueError, match="not compatible"):
        layer.set_weights([np.zeros((2, 6)), np.zeros((2, 6)), np.zeros(5)])
