"""``tk.keras.backend``'s tensor functions (``backend_math.py``, ``backend_arrays.py``)
and ``variable``/``placeholder``/``function``: the ``K.*`` vocabulary of Keras 2 custom
layers, losses and ``Lambda`` functions, which trainkit did not have. The expected values
are TF 2.21's (tf_keras 2.21, ``tf.compat.v1`` graph mode) for the same calls, or NumPy's
where the function is plain arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

K = tk.keras.backend
X = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0, 7.0]], "float32")
A = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10
B = np.arange(20, dtype="float32").reshape(4, 5) / 7
C = np.arange(40, dtype="float32").reshape(2, 4, 5) / 9


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


@pytest.fixture(autouse=True)
def _graph():
    with tk.Graph().as_default():
        yield


@pytest.mark.parametrize("kwargs,want", [
    ({"alpha": 0.1}, [-0.2, -0.05, 0.0, 0.5, 3.0, 7.0]),
    ({"max_value": 6.0}, [0.0, 0.0, 0.0, 0.5, 3.0, 6.0]),
    ({"max_value": 2.5}, [0.0, 0.0, 0.0, 0.5, 2.5, 2.5]),
    ({"threshold": 1.0}, [0.0, 0.0, 0.0, 0.0, 3.0, 7.0]),
    ({"alpha": 0.2, "max_value": 5.0, "threshold": 0.5}, [-0.5, -0.2, -0.1, 0.0, 3.0, 5.0]),
])
def test_relu_variants_match_tf(kwargs, want):
    np.testing.assert_allclose(_run(K.relu(X, **kwargs)).ravel(), want, rtol=1e-6)


def test_keras_specific_semantics_match_tf():
    x = tk.constant(X)
    sqrt, mean_bool, swapped, open_low = _run([
        K.sqrt(x), K.mean(x > 0), K.clip(x, 2.0, 1.0), K.clip(x, None, 0.5)])
    np.testing.assert_allclose(sqrt.ravel(), [0, 0, 0, 0.7071068, 1.7320508, 2.6457513],
                               rtol=1e-6)   # negatives clipped to 0, no NaN
    assert mean_bool == 0.5 and mean_bool.dtype == np.float32
    assert (swapped == 2.0).all()   # max_value below min_value is raised to it
    np.testing.assert_array_equal(open_low.ravel(), [-2.0, -0.5, 0.0, 0.5, 0.5, 0.5])


def test_dot_contracts_the_last_axis_with_the_second_to_last():
    d3, d33 = _run([K.dot(tk.constant(A), tk.constant(B)),
                    K.dot(tk.constant(A), tk.constant(C))])
    assert d3.shape == (2, 3, 5) and d33.shape == (2, 3, 2, 5)
    np.testing.assert_allclose(d3, np.tensordot(A, B, [[2], [0]]), rtol=1e-6)
    np.testing.assert_allclose(d33, np.tensordot(A, C, [[2], [1]]), rtol=1e-6)
    np.testing.assert_allclose(d33.sum(), 614.66675, rtol=1e-6)   # TF 2.21


def test_shape_functions():
    a = tk.constant(A)
    cat, flat, rep, std, norm = _run([
        K.concatenate([a, a], axis=-2), K.batch_flatten(a), K.repeat(tk.constant(B), 2),
        K.std(a, axis=1), K.l2_normalize(tk.constant(X), axis=1)])
    np.testing.assert_array_equal(cat, np.concatenate([A, A], axis=1))
    np.testing.assert_array_equal(flat, A.reshape(2, 12))
    np.testing.assert_array_equal(rep, np.repeat(B[:, None], 2, axis=1))
    np.testing.assert_allclose(std, A.std(axis=1), rtol=1e-6)
    np.testing.assert_allclose(norm, X / np.linalg.norm(X), rtol=1e-6)
    assert K.ndim(a) == 3 and K.int_shape(K.expand_dims(a, 1)) == (2, 1, 3, 4)
    assert K.int_shape(K.permute_dimensions(a, (2, 0, 1))) == (4, 2, 3)
    assert K.int_shape(K.squeeze(K.expand_dims(a), -1)) == (2, 3, 4)


def test_unseeded_random_draws_follow_numpy_and_match_tf():
    np.random.seed(0)
    draw = K.random_normal((2, 3))
    assert np.random.randint(1000) == 559   # the seed came from np.random.randint(10e6)
    np.testing.assert_allclose(_run(draw).ravel(),
                               [-0.013961, 1.09419, 0.860788, 1.00137, -0.618654, -1.12598],
                               atol=2e-6)   # TF 2.21, the same Philox stream


def test_variable_placeholder_and_function():
    v = K.variable([[1.0, 2.0]], name="w")
    p = K.placeholder(ndim=2)
    assert p.shape.as_list() == [None, None] and p.dtype == tk.float32
    assert v.dtype.base_dtype == tk.float32
    f = K.function([p], [p * v, K.sum(p)], updates=[(v, v * 2.0)])
    out = f([np.ones((1, 2), np.float32)])
    assert isinstance(out, list)
    np.testing.assert_array_equal(out[0], [[1.0, 2.0]])
    assert out[1] == 2.0
    np.testing.assert_array_equal(K.get_value(v), [[2.0, 4.0]])   # the update ran
    single = K.function([p], K.mean(p))([np.full((2, 2), 3.0)])
    assert single == 3.0   # one output tensor gives one value, not a list


def test_function_errors():
    p = K.placeholder(shape=(None, 2))
    with pytest.raises(ValueError, match='Invalid argument "shuffle" passed to K.function'):
        K.function([p], [p], shuffle=True)
    with pytest.raises(TypeError, match="should be a list or tuple"):
        K.function(p, [p])
    f = K.function([p], [p])
    with pytest.raises(ValueError, match="takes 1 inputs, got 2"):
        f([np.ones((1, 2)), np.ones((1, 2))])
    with pytest.raises(ValueError, match="K.repeat expects a tensor of rank 2"):
        K.repeat(tk.constant(A), 2)


def test_identity_initializer_is_a_keras_initializer():
    init = tk.keras.initializers.get("identity")
    assert isinstance(init, tk.keras.initializers.Identity)
    eye = _run(tk.keras.initializers.Identity(gain=2.0)((3, 4)))
    np.testing.assert_array_equal(eye, 2.0 * np.eye(3, 4))
    layer = tk.keras.layers.SimpleRNN(3, recurrent_initializer="identity")
    layer(tk.keras.layers.Input(shape=(5, 2)))
    np.testing.assert_array_equal(K.get_value(layer.weights[1]), np.eye(3))
