"""``tk.keras.layers`` behaviour and typed errors. Error types and messages are those
tf_keras 2.21 raises in TF 2.21 graph mode (checked by hand against it); values are
checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

K = tk.keras


def _run(fetches, feed=None):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches, feed)


def test_keras_is_a_lazy_submodule():
    assert "keras" in tk._LAZY_SUBMODULES
    assert tk.keras.layers.Dense is K.layers.Dense


def test_dense_matches_numpy_on_3d_input():
    x = tk.placeholder(tk.float32, [None, 2, 3])
    layer = K.layers.Dense(4, activation="relu", bias_initializer="ones")
    y = layer(x)
    assert y.shape.as_list() == [None, 2, 4]
    xs = np.random.RandomState(0).randn(5, 2, 3).astype(np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out, kernel = sess.run([y, layer.kernel], {x: xs})
    np.testing.assert_allclose(out, np.maximum(xs @ kernel + 1.0, 0.0), rtol=1e-5, atol=1e-6)
    limit = np.sqrt(6.0 / (3 + 4))  # glorot-uniform's range
    assert np.all(np.abs(kernel) <= limit) and kernel.std() > 0


def test_second_call_shares_weights_in_a_new_scope():
    layer = K.layers.Dense(2)
    a = layer(tk.placeholder(tk.float32, [None, 3]))
    b = layer(tk.placeholder(tk.float32, [None, 3]))
    assert a.name == "dense/BiasAdd:0" and b.name == "dense_1/BiasAdd:0"
    assert len(tk.trainable_variables()) == 2
    assert [v.name for v in layer.trainable_variables] == ["dense/kernel:0", "dense/bias:0"]


def test_get_weights_uses_the_default_session_and_initializes_keras_variables():
    layer = K.layers.Dense(2, bias_initializer="ones")
    assert layer.get_weights() == []  # not built yet
    layer(tk.placeholder(tk.float32, [None, 3]))
    with tk.Session() as sess:
        kernel, bias = layer.get_weights()  # no initializer run: Keras initializes
        assert kernel.shape == (3, 2)
        np.testing.assert_array_equal(bias, [1.0, 1.0])
        layer.set_weights([np.full((3, 2), 0.5), np.array([1.0, -1.0])])
        np.testing.assert_array_equal(sess.run(layer.bias), [1.0, -1.0])
        np.testing.assert_array_equal(sess.run(layer.kernel), np.full((3, 2), 0.5))


def test_get_session_without_a_default_session_is_keras_own():
    layer = K.layers.Dense(1, kernel_initializer="zeros")
    layer(tk.placeholder(tk.float32, [None, 2]))
    sess = K.backend.get_session()
    assert sess is K.backend.get_session()
    assert sess.graph is tk.get_default_graph()
    np.testing.assert_array_equal(layer.get_weights()[0], np.zeros((2, 1)))
    K.backend.set_value(layer.bias, np.array([3.0]))
    np.testing.assert_array_equal(K.backend.get_value(layer.bias), [3.0])
    K.backend.clear_session()
    assert K.layers.Dense(1).name == "dense"  # counters restart with the new graph


def test_set_weights_errors():
    layer = K.layers.Dense(2)
    layer(tk.placeholder(tk.float32, [None, 4]))
    with pytest.raises(ValueError, match=r'on layer "dense" with a weight list of length 1, '
                                         r"but the layer was expecting 2 weights"):
        layer.set_weights([np.zeros((4, 2))])
    with pytest.raises(ValueError, match=r"Layer weight shape \(4, 2\) not compatible with "
                                         r"provided weight shape \(3, 2\)"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="has shape"):
        K.backend.set_value(layer.bias, np.zeros(3))


def test_dropout_follows_the_learning_phase():
    x = tk.ones([200, 50])
    y = K.layers.Dropout(0.5, seed=1)(x)
    phase = K.backend.learning_phase()
    assert phase.name == "keras_learning_phase:0"
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), np.ones((200, 50)))
        train = sess.run(y, {phase: True})
    assert set(np.unique(train)) == {0.0, 2.0}
    assert 0.4 < (train == 0).mean() < 0.6
    test = K.layers.Dropout(0.5)(x, training=False)
    np.testing.assert_array_equal(_run(test), np.ones((200, 50)))


def test_set_learning_phase_fixes_it():
    K.backend.set_learning_phase(1)
    assert K.backend.learning_phase() == 1
    y = K.layers.Dropout(0.5)(tk.ones([100, 10]))
    assert (_run(y) == 0).any()
    with pytest.raises(ValueError, match="Expected learning phase to be 0 or 1."):
        K.backend.set_learning_phase(2)


def test_batch_norm_updates_stay_out_of_update_ops():
    x = tk.placeholder(tk.float32, [None, 3])
    bn = K.layers.BatchNormalization(momentum=0.5)
    y = bn(x, training=True)
    assert tk.get_collection(tk.GraphKeys.UPDATE_OPS) == []
    assert len(bn.updates) == 2
    xs = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, -1.0]], np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out, _ = sess.run([y, bn.updates], {x: xs})
        mean, var = sess.run([bn.moving_mean, bn.moving_variance])
    m, v = xs.mean(0), xs.var(0)
    np.testing.assert_allclose(out, (xs - m) / np.sqrt(v + 1e-3), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mean, 0.5 * m, rtol=1e-6)
    np.testing.assert_allclose(var, 0.5 + 0.5 * v, rtol=1e-6)
    # tk.layers' batch normalization still adds its updates to UPDATE_OPS.
    tk.layers.batch_normalization(x, training=True)
    assert len(tk.get_collection(tk.GraphKeys.UPDATE_OPS)) == 2


def test_batch_norm_without_training_uses_the_learning_phase():
    x = tk.placeholder(tk.float32, [None, 2])
    bn = K.layers.BatchNormalization()
    y = bn(x)
    xs = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        infer = sess.run(y, {x: xs})
        train = sess.run(y, {x: xs, K.backend.learning_phase(): True})
    np.testing.assert_allclose(infer, xs / np.sqrt(1.0 + 1e-3), rtol=1e-6)
    np.testing.assert_allclose(train, [[-1, -1], [1, 1]], atol=1e-3)


def test_layer_attributes():
    inputs = K.Input(shape=(4,))
    layer = K.layers.Dense(3)
    with pytest.raises(AttributeError, match="has never been called and thus has no defined "
                                             "output shape"):
        layer.output_shape  # noqa: B018
    with pytest.raises(AttributeError, match="Layer dense is not connected"):
        layer.input  # noqa: B018
    out = layer(inputs)
    assert layer.output_shape == (None, 3) and layer.input_shape == (None, 4)
    assert layer.output is out and layer.input is inputs
    assert layer.count_params() == 15
    assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_custom_layer_subclass():
    class Scale(K.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", [input_shape.as_list()[-1]], initializer="ones")

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    y = layer(tk.constant([[1.0, 2.0]]))
    assert layer.name == "scale" and layer.weights[0].name == "scale/w:0"
    np.testing.assert_array_equal(_run(y), [[1.0, 2.0]])


def test_merge_reshape_embedding_values():
    a = tk.constant([[1.0, 2.0]])
    b = tk.constant([[3.0, 4.0]])
    np.testing.assert_array_equal(_run(K.layers.add([a, b])), [[4.0, 6.0]])
    np.testing.assert_array_equal(_run(K.layers.Add()([a, b, b])), [[7.0, 10.0]])
    np.testing.assert_array_equal(_run(K.layers.concatenate([a, b], axis=0)),
                                  [[1.0, 2.0], [3.0, 4.0]])
    r = K.layers.Reshape((2, 1))(a)
    assert r.shape.as_list() == [1, 2, 1]
    emb = K.layers.Embedding(4, 2, embeddings_initializer="ones")
    e = emb(tk.constant([[0.0, 3.0]]))  # float ids are cast
    np.testing.assert_array_equal(_run(e), np.ones((1, 2, 2)))
    values = _run(emb.embeddings)
    assert values.shape == (4, 2)


def test_embedding_default_init_is_uniform_005():
    emb = K.layers.Embedding(50, 20)
    emb(tk.placeholder(tk.int32, [None]))
    w = _run(emb.embeddings)
    assert np.abs(w).max() <= 0.05 and w.std() > 0.01


@pytest.mark.parametrize("make, error, message", [
    (lambda x: K.layers.Dense(2)(tk.placeholder(tk.float32, [4])), ValueError,
     r'Input 0 of layer "dense" is incompatible with the layer: expected min_ndim=2, found '
     r"ndim=1. Full shape received: \(4,\)"),
    (lambda x: K.layers.Dense(2)(tk.placeholder(tk.float32, [None, None])), ValueError,
     "The last dimension of the inputs to a Dense layer should be defined"),
    (lambda x: K.layers.Conv2D(2, 3)(tk.placeholder(tk.float32, [None, 4, 4])), ValueError,
     "expected min_ndim=4, found ndim=3"),
    (lambda x: K.layers.MaxPooling2D()(x), ValueError, "expected ndim=4, found ndim=2"),
    (lambda x: K.layers.Conv1D(2, 3)(x), ValueError, "expected min_ndim=3, found ndim=2"),
    (lambda x: K.layers.Dense(2, activation="foo"), ValueError,
     "Unknown activation function 'foo' cannot be deserialized."),
    (lambda x: K.layers.Activation(3), TypeError,
     "Could not interpret activation function identifier: 3"),
    (lambda x: K.layers.Dense(-1), ValueError,
     "Received an invalid value for `units`, expected a positive integer"),
    (lambda x: K.layers.Dense(0), ValueError, "units=0"),  # Differs from TF: accepted there
    (lambda x: K.layers.Dense(2, foo=1), TypeError, "Keyword argument not understood"),
    (lambda x: K.layers.Dense(2, name=3), TypeError, "name must be a string"),
    (lambda x: K.layers.Dropout(1.5), ValueError,
     "Invalid value 1.5 received for `rate`, expected a value between 0 and 1."),
    (lambda x: K.layers.Embedding(0, 3), ValueError,
     "Both `input_dim` and `output_dim` should be positive"),
    (lambda x: K.layers.Conv2D(2, 3, padding="foo"), ValueError,
     'The `padding` argument must be a list/tuple or one of "valid", "same"'),
    (lambda x: K.layers.Conv2D(0, 3), ValueError, "filters must be a positive integer"),
    (lambda x: K.layers.Add()(x), ValueError,
     r"A merge layer should be called on a list of inputs. Received: input_shape=\(None, 4\)"),
    (lambda x: K.layers.add([]), ValueError, "at least 1 input"),
    (lambda x: K.layers.add([x, tk.placeholder(tk.float32, [None, 3])]), ValueError,
     r"Inputs have incompatible shapes. Received shapes \(4,\) and \(3,\)"),
    (lambda x: K.layers.concatenate([x, tk.placeholder(tk.float32, [None, 3, 2])]),
     ValueError, "A `Concatenate` layer requires inputs with matching shapes except for the "
                 "concatenation axis"),
    (lambda x: K.layers.Reshape((3,))(x), ValueError,
     r"total size of new array must be unchanged, input_shape = \[4\], output_shape = \[3\]"),
    (lambda x: K.layers.Reshape((-1, -1)), ValueError, "at most one unknown dimension"),
    (lambda x: K.layers.BatchNormalization(axis=3)(x), ValueError,
     r"Expected 0 <= axis < inputs.rank \(with inputs.rank=2\)"),
    (lambda x: K.layers.BatchNormalization(renorm=True), NotImplementedError, "renorm"),
    (lambda x: K.layers.Lambda(3), TypeError, "function must be callable"),
    (lambda x: K.layers.Dense(2).count_params(), ValueError,
     "You tried to call `count_params` on dense, but the layer isn't built"),
    (lambda x: K.activations.softmax(tk.placeholder(tk.float32, [3])), ValueError,
     "Cannot apply softmax to a tensor that is 1D"),
    (lambda x: K.layers.InputLayer(input_shape=(2,))(x), TypeError, "is not callable"),
])
def test_bad_inputs_raise_typed_errors(make, error, message):
    x = tk.placeholder(tk.float32, [None, 4])
    with pytest.raises(error, match=message):
        make(x)


def test_activations_by_name():
    x = tk.constant([[-1.0, 0.5, 2.0]])
    got = _run([K.activations.get(n)(x) for n in ("relu", "sigmoid", "tanh", "softmax",
                                                   "softplus", "linear", "elu")])
    v = np.array([[-1.0, 0.5, 2.0]])
    e = np.exp(v)
    want = [np.maximum(v, 0), 1 / (1 + np.exp(-v)), np.tanh(v), e / e.sum(),
            np.log1p(np.exp(v)), v, np.where(v > 0, v, np.exp(v) - 1)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5)
    np.testing.assert_allclose(_run(K.activations.relu(x, alpha=0.1, max_value=1.0)),
                               [[-0.1, 0.5, 1.0]], rtol=1e-6)
    assert K.activations.get(None) is K.activations.linear
    assert K.activations.serialize(K.activations.relu) == "relu"


def test_initializers():
    assert isinstance(K.initializers.get("glorot_uniform"), K.initializers.GlorotUniform)
    u = K.initializers.get("uniform")
    assert (u.minval, u.maxval) == (-0.05, 0.05)
    assert K.initializers.RandomNormal().stddev == 0.05
    assert K.initializers.TruncatedNormal().stddev == 0.05
    assert K.initializers.get(None) is None
    z = K.initializers.Zeros()
    assert K.initializers.get(z) is z
    with pytest.raises(ValueError, match="Unknown initializer: 'foo'"):
        K.initializers.get("foo")
    with pytest.raises(TypeError, match="Could not interpret initializer identifier"):
        K.initializers.get(3)


def test_backend_settings():
    assert K.backend.floatx() == "float32" and K.backend.epsilon() == 1e-7
    assert K.backend.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match="Unknown `floatx` value: int8"):
        K.backend.set_floatx("int8")
    x = K.Input(shape=(3,))
    assert K.backend.is_keras_tensor(x)
    assert not K.backend.is_keras_tensor(tk.placeholder(tk.float32, [2]))
    assert K.backend.int_shape(x) == (None, 3)
