"""Keras recurrent-layer scenarios run on either backend: ``scenario(tf)`` builds a graph
with ``tf.keras`` recurrent layers and wrappers, gives them fixed weights
(``set_weights``), runs it and returns plain numbers, names and error class names.
``make_rnn_reference.py`` runs them under TF 2.21.0 + tf_keras 2.21 (``tf.compat.v1``
with ``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``) into ``rnn_reference.json``;
``test_rnn_vs_tf.py`` runs them under trainkit and compares. Imports no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np


def _w(shape: tuple, k: float) -> np.ndarray:
    n = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(n) * 0.37 + k)).reshape(shape).astype(np.float32)


def _fix(layer: Any, k: float = 0.0) -> None:
    layer.set_weights([_w(tuple(v.shape.as_list()), k + i)
                       for i, v in enumerate(layer.weights)])


def _x(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def _f(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_f(x) for x in v]
    return np.asarray(v, np.float64).tolist()


def _flat(v: Any) -> list:
    if isinstance(v, list | tuple):
        return [t for x in v for t in _flat(x)]
    return [v]


def _names(vs: list) -> list:
    return [v.name for v in vs]


def _run_with_grads(tf: Any, x: Any, xv: np.ndarray, outs: list, weights: list) -> dict:
    """Values of ``outs`` and gradients of a weighted sum of them wrt weights and input."""
    loss = 0.0
    for i, o in enumerate(outs):
        loss = loss + tf.reduce_sum(o * np.float32(0.3 + 0.1 * i)) + \
            tf.reduce_sum(tf.square(o)) * np.float32(0.05)
    grads = tf.gradients(loss, weights + [x])
    sess = tf.keras.backend.get_session()
    vals, gs = sess.run([outs, grads], {x: xv})
    return {"outs": _f(vals), "grads": _f(gs)}


def _layer_case(tf: Any, make: Any, shape: tuple = (2, 5, 3), k: float = 0.0) -> dict:
    x = tf.placeholder(tf.float32, [None, *shape[1:]])
    layer = make()
    out = layer(x)
    outs = _flat(out)
    _fix(layer, k)
    res = _run_with_grads(tf, x, _x(shape), outs, list(layer.trainable_weights))
    res["names"] = _names(layer.weights)
    res["shapes"] = [o.shape.as_list() for o in outs]
    return res


def lstm(tf: Any) -> dict:
    """LSTM with sequences and states, backwards, unrolled, relu/sigmoid activations,
    no bias, no forget bias; default bias init (the forget block is ones)."""
    L = tf.keras.layers
    out = {
        "full": _layer_case(tf, lambda: L.LSTM(4, return_sequences=True, return_state=True)),
        "last": _layer_case(tf, lambda: L.LSTM(3), k=1.0),
        "back": _layer_case(tf, lambda: L.LSTM(3, go_backwards=True, return_sequences=True)),
        "unroll": _layer_case(tf, lambda: L.LSTM(3, unroll=True, return_state=True,
                                                 go_backwards=True), k=2.0),
        "acts": _layer_case(tf, lambda: L.LSTM(3, activation="relu",
                                               recurrent_activation="sigmoid",
                                               use_bias=False, return_sequences=True)),
    }
    layer = L.LSTM(2, unit_forget_bias=True, kernel_initializer="zeros",
                   recurrent_initializer="zeros")
    layer(tf.placeholder(tf.float32, [None, 4, 3]))
    out["bias_init"] = _f(layer.get_weights())
    return out


def gru(tf: Any) -> dict:
    """GRU (v1: reset_after=False), reset_after=True, backwards, unrolled, no bias."""
    L = tf.keras.layers
    return {
        "full": _layer_case(tf, lambda: L.GRU(4, return_sequences=True, return_state=True)),
        "after": _layer_case(tf, lambda: L.GRU(3, reset_after=True, return_sequences=True,
                                               return_state=True), k=1.0),
        "back": _layer_case(tf, lambda: L.GRU(3, go_backwards=True)),
        "unroll": _layer_case(tf, lambda: L.GRU(3, unroll=True, return_sequences=True)),
        "nobias": _layer_case(tf, lambda: L.GRU(3, use_bias=False, activation="relu"), k=2.0),
        "config": [L.GRU(2).reset_after, L.GRUCell(2).reset_after],
    }


def simple_rnn(tf: Any) -> dict:
    """SimpleRNN with tanh and relu, sequences and states, backwards, unrolled."""
    L = tf.keras.layers
    return {
        "full": _layer_case(tf, lambda: L.SimpleRNN(4, return_sequences=True,
                                                    return_state=True)),
        "relu": _layer_case(tf, lambda: L.SimpleRNN(3, activation="relu"), k=1.0),
        "back_unroll": _layer_case(tf, lambda: L.SimpleRNN(3, go_backwards=True, unroll=True,
                                                           return_sequences=True)),
    }


def cells(tf: Any) -> dict:
    """RNN over single cells and a list of cells (StackedRNNCells), with states."""
    L = tf.keras.layers
    return {
        "lstm_cell": _layer_case(tf, lambda: L.RNN(L.LSTMCell(3), return_state=True)),
        "stacked": _layer_case(tf, lambda: L.RNN([L.LSTMCell(3), L.GRUCell(2),
                                                  L.SimpleRNNCell(4)],
                                                 return_sequences=True, return_state=True),
                               k=1.0),
        "stacked_obj": _layer_case(tf, lambda: L.RNN(L.StackedRNNCells(
            [L.SimpleRNNCell(2), L.LSTMCell(3)])), k=2.0),
    }


def initial_state(tf: Any) -> dict:
    """LSTM and GRU started from given states."""
    L = tf.keras.layers
    x = tf.placeholder(tf.float32, [None, 4, 3])
    h0 = tf.constant(_x((2, 3), 5))
    c0 = tf.constant(_x((2, 3), 6))
    lstm_layer = L.LSTM(3, return_state=True)
    gru_layer = L.GRU(3, return_sequences=True)
    a = lstm_layer(x, initial_state=[h0, c0])
    b = gru_layer(x, initial_state=[h0])
    _fix(lstm_layer)
    _fix(gru_layer, 1.0)
    sess = tf.keras.backend.get_session()
    return {"lstm": _f(sess.run(a, {x: _x((2, 4, 3))})),
            "gru": _f(sess.run(b, {x: _x((2, 4, 3))}))}


def _masked_input() -> np.ndarray:
    xv = _x((3, 6, 2), 3)
    xv[0, 4:] = 0.0      # trailing padding
    xv[1, :2] = 0.0      # leading padding
    xv[2, 2] = 0.0       # a hole in the middle
    return xv


def masking(tf: Any) -> dict:
    """Masking before LSTM/GRU/SimpleRNN: masked steps keep state and output, forwards,
    backwards and unrolled; a mask passed explicitly."""
    L = tf.keras.layers
    out = {}
    makers = {
        "lstm_seq": lambda: L.LSTM(3, return_sequences=True, return_state=True),
        "gru_last": lambda: L.GRU(3, return_state=True),
        "rnn_back": lambda: L.SimpleRNN(3, go_backwards=True, return_sequences=True),
        "lstm_unroll": lambda: L.LSTM(2, unroll=True, return_sequences=True,
                                      go_backwards=True),
        "stacked": lambda: L.RNN([L.GRUCell(2), L.LSTMCell(2)], return_sequences=True,
                                 return_state=True),
    }
    xv = _masked_input()
    for i, (name, make) in enumerate(makers.items()):
        x = tf.placeholder(tf.float32, [None, 6, 2])
        layer = make()
        y = layer(L.Masking(mask_value=0.0)(x))
        ys = _flat(y)
        _fix(layer, float(i))
        out[name] = _run_with_grads(tf, x, xv, ys, list(layer.trainable_weights))
    x = tf.placeholder(tf.float32, [None, 6, 2])
    m = tf.placeholder(tf.bool, [None, 6])
    layer = L.LSTM(2, return_sequences=True)
    y = layer(x, mask=m)
    _fix(layer)
    mv = np.array([[1, 1, 0, 1, 1, 0], [0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], bool)
    out["explicit"] = _f(tf.keras.backend.get_session().run(y, {x: xv, m: mv}))
    return out


def mask_propagation(tf: Any) -> dict:
    """Masks made by Embedding(mask_zero=True) and Masking reaching recurrent layers
    through an RNN with sequences, Dense, TimeDistributed(Dense) and Bidirectional."""
    K = tf.keras
    L = K.layers
    ids = np.array([[3, 5, 0, 0, 0], [0, 0, 4, 1, 2], [7, 0, 6, 0, 9]], np.int32)
    xv = _masked_input()
    out = {}
    chains = {
        "emb_lstm_lstm": ([None, 5], "int32", lambda: [L.Embedding(10, 3, mask_zero=True),
                                                       L.LSTM(3, return_sequences=True),
                                                       L.LSTM(2)]),
        "masking_dense_gru": ([None, 6, 2], "float32", lambda: [L.Masking(), L.Dense(3),
                                                              L.GRU(2)]),
        "masking_td_rnn": ([None, 6, 2], "float32", lambda: [
            L.Masking(), L.TimeDistributed(L.Dense(3)), L.SimpleRNN(2, return_sequences=True)]),
        "emb_bidi_gru": ([None, 5], "int32", lambda: [
            L.Embedding(10, 3, mask_zero=True),
            L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode="sum"), L.GRU(2)]),
    }
    for i, (name, (shape, dtype, make)) in enumerate(chains.items()):
        inp = K.Input(shape=tuple(shape[1:]), dtype=dtype)
        layers = make()
        y = inp
        for layer in layers:
            y = layer(y)
        for j, layer in enumerate(layers):
            _fix(layer, i + 0.5 * j)
        feed = ids if dtype == "int32" else xv
        out[name] = _f(K.backend.get_session().run(y, {inp: feed}))
    x = tf.placeholder(tf.int32, [None, 5])
    emb = L.Embedding(10, 3, mask_zero=True)
    rnn = L.GRU(2, return_sequences=True)
    y = rnn(emb(x))
    _fix(emb)
    _fix(rnn, 1.0)
    out["placeholder"] = _f(K.backend.get_session().run(y, {x: ids}))
    return out


def seq2seq(tf: Any) -> dict:
    """The Keras lstm_seq2seq recipe: an encoder LSTM's states start the decoder LSTM
    (``initial_state=`` Keras tensors), a functional Model trained with rmsprop, then the
    inference models built from the same layers."""
    K = tf.keras
    L = K.layers
    enc_in = K.Input(shape=(None, 4))
    encoder = L.LSTM(5, return_state=True)
    _, state_h, state_c = encoder(enc_in)
    dec_in = K.Input(shape=(None, 3))
    decoder = L.LSTM(5, return_sequences=True, return_state=True)
    dec_out, _, _ = decoder(dec_in, initial_state=[state_h, state_c])
    dense = L.Dense(3, activation="softmax")
    model = K.Model([enc_in, dec_in], dense(dec_out))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    model.set_weights([_w(w.shape, i) for i, w in enumerate(model.get_weights())])
    rng = np.random.RandomState(4)
    xe = rng.randn(12, 6, 4).astype(np.float32)
    xd = np.eye(3, dtype=np.float32)[rng.randint(0, 3, (12, 5))]
    yd = np.roll(xd, -1, axis=1)
    hist = model.fit([xe, xd], yd, batch_size=4, epochs=3, verbose=0, shuffle=False)
    encoder_model = K.Model(enc_in, [state_h, state_c])
    h_in, c_in = K.Input(shape=(5,)), K.Input(shape=(5,))
    out, h, c = decoder(dec_in, initial_state=[h_in, c_in])
    decoder_model = K.Model([dec_in, h_in, c_in], [dense(out), h, c])
    states = encoder_model.predict(xe[:2])
    step = decoder_model.predict([xd[:2, :1]] + list(states))
    return {"loss": hist.history["loss"], "n_weights": len(model.trainable_weights),
            "states": _f(states), "step": _f(step)}


def bidirectional(tf: Any) -> dict:
    """Bidirectional merge modes (concat, sum, mul, ave, None) with and without sequences,
    states, a mask, and names."""
    L = tf.keras.layers
    out = {}
    xv = _masked_input()
    cases = {
        "concat_seq": lambda: L.Bidirectional(L.LSTM(2, return_sequences=True)),
        "sum_last": lambda: L.Bidirectional(L.GRU(2), merge_mode="sum"),
        "mul_seq": lambda: L.Bidirectional(L.SimpleRNN(2, return_sequences=True),
                                           merge_mode="mul"),
        "ave_last": lambda: L.Bidirectional(L.LSTM(2), merge_mode="ave"),
        "none_seq": lambda: L.Bidirectional(L.GRU(2, return_sequences=True),
                                            merge_mode=None),
        "states": lambda: L.Bidirectional(L.LSTM(2, return_state=True)),
    }
    for i, (name, make) in enumerate(cases.items()):
        for masked in (False, True):
            x = tf.placeholder(tf.float32, [None, 6, 2])
            layer = make()
            y = layer(L.Masking()(x) if masked else x)
            ys = _flat(y)
            _fix(layer, float(i))
            res = _run_with_grads(tf, x, xv, ys, list(layer.trainable_weights))
            res["names"] = _names(layer.weights)
            res["layer_names"] = [layer.forward_layer.name, layer.backward_layer.name]
            out[f"{name}_{'mask' if masked else 'plain'}"] = res
    return out


def time_distributed(tf: Any) -> dict:
    """TimeDistributed(Dense) and TimeDistributed(Conv2D): values, names, shapes and
    gradients; TimeDistributed(Dense) feeding an LSTM."""
    L = tf.keras.layers
    out = {"dense": _layer_case(tf, lambda: L.TimeDistributed(L.Dense(3, activation="tanh")),
                                shape=(2, 4, 5))}
    out["conv"] = _layer_case(tf, lambda: L.TimeDistributed(L.Conv2D(2, 3, padding="same")),
                              shape=(2, 3, 5, 5, 1), k=1.0)
    x = tf.placeholder(tf.float32, [None, 4, 5])
    td = L.TimeDistributed(L.Dense(3))
    lstm_layer = L.LSTM(2)
    y = lstm_layer(td(x))
    _fix(td)
    _fix(lstm_layer, 1.0)
    out["chain"] = _f(tf.keras.backend.get_session().run(y, {x: _x((2, 4, 5))}))
    return out


def dropout_inference(tf: Any) -> dict:
    """dropout/recurrent_dropout leave inference (learning phase 0) outputs unchanged."""
    L = tf.keras.layers
    x = tf.placeholder(tf.float32, [None, 5, 3])
    outs = {}
    for name, make in {"lstm": L.LSTM, "gru": L.GRU, "rnn": L.SimpleRNN}.items():
        layer = make(3, dropout=0.4, recurrent_dropout=0.3, return_sequences=True)
        y = layer(x)
        _fix(layer)
        outs[name] = _f(tf.keras.backend.get_session().run(y, {x: _x((2, 5, 3))}))
    return outs


def fit_models(tf: Any) -> dict:
    """compile/fit of an Embedding -> LSTM -> Dense classifier (adam), a Masking ->
    Bidirectional(GRU) regressor (sgd) and a TimeDistributed sequence model (rmsprop):
    losses of a few epochs and the final weights."""
    K = tf.keras
    L = K.layers
    rng = np.random.RandomState(7)
    ids = rng.randint(1, 20, size=(24, 7))
    ids[:8, 5:] = 0
    labels = (ids[:, 0] > 10).astype(np.float32)
    m1 = K.models.Sequential([L.Embedding(20, 4, input_length=7), L.LSTM(5),
                              L.Dense(1, activation="sigmoid")])
    m1.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    m1.set_weights([_w(w.shape, i) for i, w in enumerate(m1.get_weights())])
    h1 = m1.fit(ids, labels, batch_size=8, epochs=3, verbose=0, shuffle=False)
    xs = _masked_input()
    ys = xs.sum(axis=(1, 2))[:, None].astype(np.float32)
    m2 = K.models.Sequential([L.Masking(input_shape=(6, 2)), L.Bidirectional(L.GRU(3)),
                              L.Dense(1)])
    m2.compile(optimizer=K.optimizers.SGD(0.05), loss="mse")
    m2.set_weights([_w(w.shape, i + 1.0) for i, w in enumerate(m2.get_weights())])
    h2 = m2.fit(xs, ys, batch_size=2, epochs=3, verbose=0, shuffle=False)
    xt = _x((6, 4, 3), 9)
    yt = np.tanh(xt[..., :2]).astype(np.float32)
    m3 = K.models.Sequential([L.SimpleRNN(4, return_sequences=True, input_shape=(4, 3)),
                              L.TimeDistributed(L.Dense(2))])
    m3.compile(optimizer=K.optimizers.RMSprop(0.01), loss="mse")
    m3.set_weights([_w(w.shape, i + 2.0) for i, w in enumerate(m3.get_weights())])
    h3 = m3.fit(xt, yt, batch_size=3, epochs=3, verbose=0, shuffle=False)
    return {"lstm": [h1.history["loss"], h1.history["acc"], _f(m1.get_weights())],
            "bigru": [h2.history["loss"], _f(m2.get_weights())],
            "td": [h3.history["loss"], _f(m3.predict(xt[:2]))]}


def conv_lstm(tf: Any) -> dict:
    """ConvLSTM2D: same padding with sequences and states, valid padding with strides,
    dilation backwards without bias, channels_first, inference-mode dropout; outputs,
    states, gradients wrt weights and input, names and static shapes."""
    L = tf.keras.layers
    return {
        "same": _layer_case(tf, lambda: L.ConvLSTM2D(3, (3, 3), padding="same",
                                                     return_sequences=True,
                                                     return_state=True),
                            shape=(2, 3, 5, 6, 2)),
        "strided": _layer_case(tf, lambda: L.ConvLSTM2D(2, (3, 2), strides=(2, 2)),
                               shape=(2, 4, 7, 6, 3), k=1.0),
        "dilated": _layer_case(tf, lambda: L.ConvLSTM2D(
            2, (2, 2), dilation_rate=(2, 2), go_backwards=True, use_bias=False,
            return_sequences=True, activation="relu", recurrent_activation="sigmoid"),
            shape=(1, 3, 6, 5, 2), k=2.0),
        "channels_first": _layer_case(tf, lambda: L.ConvLSTM2D(
            2, (3, 3), padding="same", data_format="channels_first", return_state=True,
            unit_forget_bias=False), shape=(2, 3, 2, 4, 5), k=3.0),
        "dropout": _layer_case(tf, lambda: L.ConvLSTM2D(2, (3, 3), padding="same",
                                                        dropout=0.4,
                                                        recurrent_dropout=0.3),
                               shape=(2, 2, 4, 4, 1), k=4.0),
    }


def conv_lstm_movies(tf: Any) -> dict:
    """Keras's ``conv_lstm.py`` example in small: two ConvLSTM2D + BatchNormalization
    blocks and a sigmoid Conv3D predicting the next frames of moving squares, adadelta,
    binary cross-entropy; losses of three epochs and one prediction."""
    K = tf.keras
    L = K.layers
    rng = np.random.RandomState(3)
    movies = np.zeros((6, 5, 8, 8, 1), np.float32)
    for m in range(6):
        r, c = rng.randint(0, 5, 2)
        dr, dc = rng.randint(-1, 2, 2)
        for t in range(5):
            rr, cc = np.clip(r + dr * t, 0, 6), np.clip(c + dc * t, 0, 6)
            movies[m, t, rr:rr + 2, cc:cc + 2, 0] = 1.0
    x, y = movies[:, :4], movies[:, 1:]
    model = K.models.Sequential([
        L.ConvLSTM2D(4, (3, 3), padding="same", return_sequences=True,
                     input_shape=(None, 8, 8, 1)),
        L.BatchNormalization(),
        L.ConvLSTM2D(4, (3, 3), padding="same", return_sequences=True),
        L.BatchNormalization(),
        L.Conv3D(1, (3, 3, 3), activation="sigmoid", padding="same",
                 data_format="channels_last")])
    model.compile(loss="binary_crossentropy", optimizer="adadelta")
    model.set_weights([_w(w.shape, 0.5 * i) for i, w in enumerate(model.get_weights())])
    hist = model.fit(x, y, batch_size=2, epochs=3, verbose=0, shuffle=False)
    return {"loss": hist.history["loss"], "predict": _f(model.predict(x[:1])),
            "names": _names(model.weights)}


def _error(fn: Any) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class name is what is compared
        return type(e).__name__
    return "no error"


def errors(tf: Any) -> dict:
    """Exception classes for bad inputs and arguments."""
    L = tf.keras.layers

    def call(layer: Any, shape: list) -> Any:
        return lambda: layer(tf.placeholder(tf.float32, shape))

    return {
        "lstm_rank2": _error(call(L.LSTM(2), [None, 3])),
        "gru_rank4": _error(call(L.GRU(2), [None, 3, 4, 5])),
        "merge_mode": _error(lambda: L.Bidirectional(L.LSTM(2), merge_mode="max")),
        "bidi_not_layer": _error(lambda: L.Bidirectional("lstm")),
        "td_not_layer": _error(lambda: L.TimeDistributed(3)),
        "td_rank2": _error(call(L.TimeDistributed(L.Dense(2)), [None, 3])),
        "unroll_unknown_steps": _error(call(L.LSTM(2, unroll=True), [None, None, 3])),
        "rnn_no_cell": _error(lambda: L.RNN(3)),
        "bad_units": _error(lambda: L.LSTMCell(0)),
        "bad_activation": _error(lambda: L.GRU(2, activation="nope")),
        "bad_dropout": _error(lambda: L.LSTM(2, dropout=1.5)),
        "set_weights_count": _error(lambda: _built(tf, L.LSTM(2)).set_weights([])),
        "conv_lstm_rank4": _error(call(L.ConvLSTM2D(2, (3, 3)), [None, 3, 4, 5])),
        "conv_lstm_no_channels": _error(call(L.ConvLSTM2D(2, (3, 3)),
                                             [None, 3, 4, 5, None])),
        "conv_lstm_padding": _error(lambda: L.ConvLSTM2D(2, (3, 3), padding="full")),
    }


def _built(tf: Any, layer: Any) -> Any:
    layer(tf.placeholder(tf.float32, [None, 3, 2]))
    return layer


RNN_SCENARIOS = {f.__name__: f for f in (
    lstm, gru, simple_rnn, cells, initial_state, seq2seq, masking, mask_propagation,
    bidirectional, time_distributed, dropout_inference, fit_models, conv_lstm,
    conv_lstm_movies, errors)}
