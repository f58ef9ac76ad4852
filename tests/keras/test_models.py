"""``tk.keras.Model`` / ``Sequential`` as graph builders, and ``tk.keras.losses``.
Names and error messages are those of tf_keras 2.21 in TF 2.21 graph mode (checked by
hand against it); values against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

K = tk.keras


def _mlp() -> tuple:
    inputs = K.Input(shape=(3,))
    h = K.layers.Dense(4, activation="relu")(inputs)
    outputs = K.layers.Dense(2)(h)
    return inputs, outputs, K.Model(inputs, outputs)


def test_functional_model_layers_and_call():
    inputs, outputs, model = _mlp()
    assert model.name == "model"
    assert [layer.name for layer in model.layers] == ["input_1", "dense", "dense_1"]
    assert model.inputs == [inputs] and model.outputs == [outputs]
    assert model.input is inputs and model.output is outputs
    assert model.output_shape == (None, 2)
    assert model.get_layer("dense_1") is model.layers[2]
    assert model.get_layer(index=1).name == "dense"
    x = tk.placeholder(tk.float32, [None, 3])
    y = model(x)
    assert y.name == "model/dense_1/BiasAdd:0"
    assert len(tk.trainable_variables()) == 4  # the call shares the weights
    xs = np.random.RandomState(1).randn(5, 3).astype(np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got = sess.run(y, {x: xs})
        k1, b1, k2, b2 = model.get_weights()
    np.testing.assert_allclose(got, np.maximum(xs @ k1 + b1, 0) @ k2 + b2, rtol=1e-5,
                               atol=1e-6)


def test_sequential_without_input_shape_builds_on_first_call():
    model = K.Sequential()
    model.add(K.layers.Dense(3))
    model.add(K.layers.Dense(1))
    assert model.inputs is None and not model.built
    y = model(tk.placeholder(tk.float32, [None, 2]))
    assert [v.name for v in model.trainable_variables] == [
        "sequential/dense/kernel:0", "sequential/dense/bias:0",
        "sequential/dense_1/kernel:0", "sequential/dense_1/bias:0"]
    assert y.shape.as_list() == [None, 1]
    model.pop()
    assert [layer.name for layer in model.layers] == ["dense"]


def test_sequential_with_input_and_training_flag():
    model = K.Sequential([K.layers.InputLayer(input_shape=(4,)), K.layers.Dropout(0.5)])
    assert model.inputs[0].name == "input_1:0"
    x = tk.ones([100, 4])
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(model(x)), np.ones((100, 4)))
        assert (sess.run(model(x, training=True)) == 0).any()


def test_sequential_input_dim_and_summary(capsys):
    model = K.Sequential([K.layers.Dense(2, input_dim=3),
                          K.layers.BatchNormalization()])
    assert model.inputs[0].name == "dense_input:0"
    assert model.layers[0].input_shape == (None, 3)
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "sequential"' in text
    assert "dense (Dense)" in text and "(None, 2)" in text
    assert "Total params: 16" in text and "Trainable params: 12" in text
    assert "Non-trainable params: 4" in text
    assert len(model.updates) == 2  # the batch-norm updates of the built graph


def test_training_through_keras_layers_reduces_the_loss():
    x = tk.placeholder(tk.float32, [None, 2])
    y = tk.placeholder(tk.int64, [None])
    h = K.layers.Dense(8, activation="tanh")(x)
    logits = K.layers.Dense(2)(h)
    loss = tk.reduce_mean(K.losses.sparse_categorical_crossentropy(y, logits,
                                                                   from_logits=True))
    train = tk.train.AdamOptimizer(0.05).minimize(loss)
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 2).astype(np.float32)
    ys = (xs[:, 0] * xs[:, 1] > 0).astype(np.int64)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(150):
            sess.run(train, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < 0.5 * first


def test_whole_model_save_is_not_implemented():
    """compile/fit/... are tested in test_fit.py; saving whole models is not here."""
    model = K.Sequential([K.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(NotImplementedError, match="save_weights"):
        model.save(None)


def test_model_errors():
    x = tk.placeholder(tk.float32, [None, 3])
    with pytest.raises(ValueError, match="Input tensors to a Functional must come from "
                                         "`tf.keras.Input`"):
        K.Model(x, K.layers.Dense(2)(x))
    inputs, outputs, model = _mlp()
    other = K.Input(shape=(3,))
    with pytest.raises(ValueError, match='Graph disconnected: cannot obtain value for tensor '
                                         r'.*input_1.* at layer "dense_1"'):
        K.Model(other, outputs)
    with pytest.raises(ValueError, match=r"No such layer: nope. Existing layers are: "
                                         r"\['input_1', 'dense_1', 'dense_2'\]"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="expects 1 input"):
        model([x, x])
    with pytest.raises(TypeError, match="The added layer must be an instance of class Layer. "
                                        "Received: layer=3"):
        K.Sequential().add(3)
    with pytest.raises(TypeError, match="There are no layers in the model."):
        K.Sequential().pop()
    with pytest.raises(ValueError, match="Please provide to Input a `shape`"):
        K.Input()


def _np_softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_losses_against_numpy():
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], np.float32)
    onehot = np.array([[1.0, 0, 0], [0, 0, 1.0]], np.float32)
    probs = np.array([[0.7, 0.2, 0.1], [0.0, 0.3, 0.7]], np.float32)
    with tk.Session() as sess:
        got = sess.run([
            K.losses.categorical_crossentropy(onehot, logits, from_logits=True),
            K.losses.categorical_crossentropy(onehot, probs),
            K.losses.sparse_categorical_crossentropy([0, 2], logits, from_logits=True),
            K.losses.mean_squared_error(onehot, probs),
            K.losses.get("mse")(onehot, probs),
        ])
    xent = -np.log(_np_softmax(logits))[[0, 1], [0, 2]]
    np.testing.assert_allclose(got[0], xent, rtol=1e-5)
    np.testing.assert_allclose(got[1], -np.log(np.clip(probs, 1e-7, 1))[[0, 1], [0, 2]],
                               rtol=1e-5)
    np.testing.assert_allclose(got[2], xent, rtol=1e-5)
    np.testing.assert_allclose(got[3], ((onehot - probs) ** 2).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(got[4], got[3])


def test_loss_errors():
    with pytest.raises(ValueError, match="Unknown loss function: 'foo'"):
        K.losses.get("foo")
    with pytest.raises(ValueError, match="incompatible"):
        K.losses.categorical_crossentropy(tk.zeros([2, 3]), tk.zeros([2, 4]))
    with pytest.raises(ValueError, match="only the last axis"):
        K.losses.sparse_categorical_crossentropy(tk.zeros([2]), tk.zeros([2, 3]), axis=0)


def test_accuracy_metrics():
    labels = np.array([[0, 1.0, 0], [1.0, 0, 0], [0, 0, 1.0]], np.float32)
    preds = np.array([[0.1, 0.8, 0.1], [0.2, 0.5, 0.3], [0.0, 0.1, 0.9]], np.float32)
    with tk.Session() as sess:
        cat, sparse, col = sess.run([
            K.metrics.categorical_accuracy(labels, preds),
            K.metrics.sparse_categorical_accuracy([1, 0, 2], preds),
            K.metrics.sparse_categorical_accuracy([[1], [1], [2]], preds)])
    np.testing.assert_array_equal(cat, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(sparse, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(col, [1.0, 1.0, 1.0])
    assert cat.dtype == np.float32


def test_regularizers_and_model_losses():
    x = tk.constant([[1.0, -2.0]])
    model = K.models.Sequential([
        K.layers.Dense(2, kernel_initializer="ones", input_shape=(2,),
                       kernel_regularizer=K.regularizers.l2(0.5)),
        K.layers.Dense(1, kernel_initializer="ones",
                       kernel_regularizer=K.regularizers.l1_l2(l1=0.1, l2=0.0))])
    model(x)
    assert len(model.losses) == 2
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        l2_loss, l1_loss = sess.run(model.losses)
    assert l2_loss == pytest.approx(0.5 * 4.0) and l1_loss == pytest.approx(0.1 * 2.0)
    with pytest.raises(ValueError, match="Value of `l2` must be a non-negative float"):
        K.regularizers.l2(-1.0)


def test_training_flag_is_dropped_for_layers_without_one():
    y = K.layers.Dense(1)(tk.ones([2, 3]), training=True)
    assert y.shape.as_list() == [2, 1]


def test_functional_layers_in_tf_keras_depth_order():
    """``model.layers`` (and so ``model.weights``) farthest-from-output first, ties in the
    order the walk back from the outputs first meets them: the lists TF 2.21.0 + tf_keras
    2.21 (graph mode) gives for this two-input, two-output model with a shortcut."""
    a, b = K.Input((4,), name="a"), K.Input((4,), name="b")
    s = K.layers.Dense(4, name="short")(a)
    long2 = K.layers.Dense(4, name="long2")(K.layers.Dense(4, name="long1")(a))
    m = K.layers.Add(name="add")([s, long2])
    c = K.layers.Dense(4, name="side")(b)
    head = K.layers.Dense(2, name="head")(K.layers.Concatenate(name="cat")([c, m]))
    model = K.Model([a, b], [head, s])
    assert [layer.name for layer in model.layers] == \
        ["a", "long1", "b", "short", "long2", "side", "add", "cat", "head"]
    assert [w.name for w in model.weights][::2] == \
        ["long1/kernel:0", "short/kernel:0", "long2/kernel:0", "side/kernel:0",
         "head/kernel:0"]


def test_a_cleared_keras_graph_is_freed():
    """Layer history, logits, masks and backend state live with their graph: nothing
    module-level keeps a graph alive after ``clear_session``."""
    import gc
    import weakref

    K.backend.clear_session()
    inp = K.Input((5, 3))
    x = K.layers.Masking()(inp)
    x = K.layers.LSTM(4)(x)
    model = K.Model(inp, K.layers.Dense(2, activation="softmax")(x))
    model.compile("sgd", "categorical_crossentropy")
    model.fit(np.ones((4, 5, 3)), np.eye(2)[[0, 1, 0, 1]], verbose=0)
    graph = weakref.ref(model.outputs[0].graph)
    del model, inp, x
    K.backend.clear_session()
    gc.collect()
    assert graph() is None
