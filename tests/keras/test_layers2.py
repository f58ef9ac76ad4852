"""The second batch of ``tk.keras.layers``: what the TF reference cannot pin down (the
training-phase behaviour of the random layers, checked by their statistics and by
NumPy), run-time shapes, the activity-regularizer scaling, and the typed errors with
their messages (types as tf_keras 2.21 raises them; see ``layers2_reference.json``),
including the documented differences from TF."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.keras import layer_args

K = tk.keras
L = tk.keras.layers


def _run(fetches, feed=None):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches, feed)


# -- the noise and dropout layers in the training phase ---------------------------------
def test_gaussian_noise_is_active_only_when_training():
    x = tk.placeholder(tk.float32, [None, 100])
    layer = L.GaussianNoise(0.5)
    train, infer, by_phase = layer(x, training=True), layer(x), layer(x)
    xs = np.zeros((200, 100), np.float32)
    phase = K.backend.learning_phase()
    noisy, same, fed = _run([train, infer, by_phase], {x: xs})
    fed_on = _run(by_phase, {x: xs, phase: True})
    assert abs(noisy.mean()) < 0.01 and noisy.std() == pytest.approx(0.5, rel=0.02)
    np.testing.assert_array_equal(same, xs)
    np.testing.assert_array_equal(fed, xs)
    assert fed_on.std() == pytest.approx(0.5, rel=0.02)


def test_gaussian_dropout_multiplies_by_mean_one_noise():
    """Mean 1 and std sqrt(rate / (1 - rate)) over 20000 draws (standard error of the
    mean 0.0046: the bound is 4.3 of them), seeded so the test cannot flake."""
    tk.set_random_seed(7)
    x = tk.placeholder(tk.float32, [None, 100])
    y = L.GaussianDropout(0.3)(x, training=True)
    out = _run(y, {x: np.ones((200, 100), np.float32)})
    assert out.mean() == pytest.approx(1.0, abs=0.02)
    assert out.std() == pytest.approx(np.sqrt(0.3 / 0.7), rel=0.02)
    same = _run(L.GaussianDropout(1.0)(x, training=True), {x: np.ones((2, 100))})
    np.testing.assert_array_equal(same, 1.0)  # rate outside (0, 1): the identity


def test_alpha_dropout_values_and_rate():
    rate = 0.2
    x = tk.placeholder(tk.float32, [None, 50])
    y = L.AlphaDropout(rate)(x, training=True)
    xs = np.random.RandomState(0).randn(400, 50).astype(np.float32)
    out = _run(y, {x: xs})
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    kept = np.isclose(out, a * xs + b, atol=1e-5)
    dropped = np.isclose(out, a * alpha_p + b, atol=1e-5)
    assert np.all(kept | dropped)
    assert dropped.mean() == pytest.approx(rate, abs=0.01)


@pytest.mark.parametrize("make,shape,shared", [
    (lambda: L.SpatialDropout1D(0.5), (6, 7, 8), (1,)),
    (lambda: L.SpatialDropout2D(0.5), (6, 3, 4, 8), (1, 2)),
    (lambda: L.SpatialDropout2D(0.5, data_format="channels_first"), (6, 8, 3, 4), (2, 3)),
    (lambda: L.SpatialDropout3D(0.5), (4, 2, 3, 2, 8), (1, 2, 3)),
])
def test_spatial_dropout_drops_whole_feature_maps(make, shape, shared):
    x = tk.placeholder(tk.float32, [None, *shape[1:]])
    y = make()(x, training=True)
    g = tk.gradients(tk.reduce_sum(y), x)[0]
    out, grad = _run([y, g], {x: np.ones(shape, np.float32)})
    assert set(np.unique(out)) <= {0.0, 2.0} and 0 < (out == 0).mean() < 1
    # constant along the shared axes: each (example, channel) kept or dropped whole
    np.testing.assert_array_equal(out, np.broadcast_to(out.max(axis=shared, keepdims=True),
                                                       shape))
    np.testing.assert_array_equal(grad, out)  # d(x * mask / 0.5)/dx with x = 1


def test_spatial_dropout_follows_the_learning_phase():
    x = tk.placeholder(tk.float32, [None, 3, 4])
    y = L.SpatialDropout1D(0.5)(x)
    xs = np.ones((50, 3, 4), np.float32)
    np.testing.assert_array_equal(_run(y, {x: xs}), xs)
    out = _run(y, {x: xs, K.backend.learning_phase(): True})
    assert (out == 0).any() and (out == 2).any()


# -- activity regularization -------------------------------------------------------------
def test_activity_regularization_loss_is_divided_by_the_batch():
    x = tk.placeholder(tk.float32, [None, 3])
    layer = L.ActivityRegularization(l1=0.1, l2=0.5)
    y = layer(x)
    xs = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 2.0, 2.0], [1, 1, 1]],
                  np.float32)
    out, (loss,) = _run([y, layer.losses], {x: xs})
    np.testing.assert_array_equal(out, xs)
    want = (0.1 * np.abs(xs).sum() + 0.5 * (xs ** 2).sum()) / len(xs)
    assert loss == pytest.approx(want, rel=1e-6)


def test_dense_activity_regularizer_is_divided_by_the_batch():
    x = tk.placeholder(tk.float32, [None, 2])
    dense = L.Dense(2, kernel_initializer="ones", activity_regularizer=K.regularizers.l1(1.0))
    y = dense(x)
    xs = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    out, (loss,) = _run([y, dense.losses], {x: xs})
    assert loss == pytest.approx(np.abs(out).sum() / 2)


# -- run-time shapes ---------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: L.UpSampling2D((2, 3)),
    lambda: L.UpSampling2D(2, interpolation="bilinear"),
    lambda: L.Conv2DTranspose(2, 3, strides=2, kernel_initializer="ones"),
    lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1,
                              kernel_initializer="ones"),
    lambda: L.Cropping2D(((1, 0), (0, 2))),
    lambda: L.ZeroPadding2D(1),
    lambda: L.GlobalMaxPooling2D(),
])
def test_spatial_sizes_known_only_at_run_time(make):
    xs = np.sin(np.arange(2 * 4 * 5 * 2)).reshape(2, 4, 5, 2).astype(np.float32)
    known = tk.placeholder(tk.float32, [None, 4, 5, 2])
    unknown = tk.placeholder(tk.float32, [None, None, None, 2])
    layer = make()
    a, b = layer(known), layer(unknown)
    va, vb = _run([a, b], {known: xs, unknown: xs})
    np.testing.assert_allclose(vb, va, rtol=1e-6)
    assert b.shape.ndims == a.shape.ndims


def test_upsampling2d_bilinear_against_numpy_half_pixel():
    xs = np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1)
    y = _run(L.UpSampling2D((2, 2), interpolation="bilinear")(tk.constant(xs)))
    row = np.array([0.0, 0.25, 0.75, 1.25, 1.75, 2.0])  # half-pixel along a 0,1,2 row
    col = np.array([0.0, 0.75, 2.25, 3.0])             # and along a 0,3 column
    np.testing.assert_allclose(y[0, :, :, 0], col[:, None] + row[None, :], atol=1e-6)


def test_dot_normalized_is_the_cosine():
    a = np.array([[1.0, 2.0, 2.0]], np.float32)
    b = np.array([[2.0, 0.0, 0.0]], np.float32)
    y = _run(L.dot([tk.constant(a), tk.constant(b)], axes=1, normalize=True))
    np.testing.assert_allclose(y, [[1.0 / 3.0]], rtol=1e-6)


def test_prelu_weights_in_a_sequential_model():
    model = K.Sequential([L.Conv2D(4, 3, input_shape=(6, 6, 1)),
                          L.PReLU(shared_axes=[1, 2]), L.GlobalAveragePooling2D(),
                          L.Dense(2)])
    prelu = model.layers[1]
    assert [v.name for v in prelu.weights] == ["p_re_lu/alpha:0"]
    assert prelu.weights[0].shape.as_list() == [1, 1, 4]
    assert model.output_shape == (None, 2)


# -- typed errors and messages -----------------------------------------------------------
@pytest.mark.parametrize("make,error,message", [
    (lambda: L.ZeroPadding1D(-1), ValueError, "does not satisfy the requirement `>= 0`"),
    (lambda: L.ZeroPadding2D((1, 2, 3)), ValueError, "should have 2 elements"),
    (lambda: L.ZeroPadding2D("ab"), ValueError, "1st entry of padding"),
    (lambda: L.ZeroPadding2D(1.5), ValueError, "should be either an int"),
    (lambda: L.Cropping1D((1, True)), ValueError, "`cropping` argument must be a tuple"),
    (lambda: L.UpSampling2D((2, 0)), ValueError, "`> 0`"),
    (lambda: L.UpSampling2D(interpolation="bicubic"), NotImplementedError, "bicubic"),
    (lambda: L.Conv2DTranspose(2, 3, output_padding=1), ValueError,
     "Strides must be greater than output padding"),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, dilation_rate=2), ValueError,
     "not supported in conjunction with dilation_rate"),
    (lambda: L.Conv2DTranspose(2, 3, dilation_rate=(2, 1)), ValueError, "to be equal"),
    (lambda: L.Conv2DTranspose(0, 3), ValueError, "filters"),
    (lambda: L.SeparableConv2D(2, 3, padding="causal"), ValueError, "padding"),
    (lambda: L.DepthwiseConv2D(3, strides=2, dilation_rate=2), ValueError,
     "dilation_rate"),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), ValueError, "depth_multiplier"),
    (lambda: L.Conv3D(2, (2, 2)), ValueError, "tuple of 3 integers"),
    (lambda: L.MaxPooling3D(padding="full"), ValueError, "padding"),
    (lambda: L.GlobalMaxPooling1D(data_format="channels_middle"), ValueError,
     "data_format"),
    (lambda: L.ReLU(max_value=-1.0), ValueError, "max_value of a ReLU layer"),
    (lambda: L.ThresholdedReLU(-0.5), ValueError, "theta"),
    (lambda: L.LeakyReLU(None), ValueError, "cannot be None"),
    (lambda: L.Permute((1, 3)), ValueError, "must be consecutive"),
    (lambda: L.RepeatVector(2.0), TypeError, "integer value for `n`"),
    (lambda: L.LayerNormalization(axis="a"), TypeError, "argument 'axis'"),
    (lambda: L.SpatialDropout2D(0.5, data_format="foo"), ValueError, "data_format"),
    (lambda: L.SpatialDropout1D(-0.1), ValueError, "between 0 and 1"),
    (lambda: L.Dot(axes="a"), TypeError, "Invalid type for argument `axes`"),
    (lambda: L.Dot(axes=(1, 2, 3)), ValueError, "should contain two elements"),
])
def test_bad_arguments_raise_typed_errors(make, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


@pytest.mark.parametrize("make,shapes,error,message", [
    (lambda: L.Cropping1D((2, 2)), [[None, 4, 2]], ValueError, "Argument `cropping`"),
    (lambda: L.Conv2DTranspose(2, 3), [[None, 4, 4]], ValueError, "expected ndim=4"),
    (lambda: L.Conv2DTranspose(2, 3), [[None, 4, 4, None]], ValueError,
     "channel dimension"),
    (lambda: L.PReLU(shared_axes=[3]), [[None, 2, 3]], ValueError, "shared_axes"),
    (lambda: L.PReLU(), [[None, None, 3]], ValueError, "must be known"),
    (lambda: L.LayerNormalization(axis=3), [[None, 2, 3]], ValueError, "Invalid value"),
    (lambda: L.LayerNormalization(axis=[1, -2]), [[None, 2, 3]], ValueError, "Duplicate"),
    (lambda: L.Dot(axes=0), [[None, 3], [None, 3]], ValueError, "non-batch axis"),
    (lambda: L.Dot(axes=1), [[None, 3], [None, 4]], ValueError, "Incompatible input"),
    (lambda: L.Dot(axes=1), [[None, 3]] * 3, ValueError, "list of 2 inputs"),
    (lambda: L.Subtract(), [[None, 3]] * 3, ValueError, "exactly 2 inputs"),
    (lambda: L.Maximum(), [[None, 3], [None, 4]], ValueError, "incompatible shapes"),
    (lambda: L.Multiply(), [[2, 3], [3, 3]], ValueError, "different batch sizes"),
    (lambda: L.Average(), [[None, 3]], ValueError, "list of inputs"),
])
def test_bad_inputs_raise_typed_errors(make, shapes, error, message):
    xs = [tk.placeholder(tk.float32, s) for s in shapes]
    with pytest.raises(error, match=message):
        make()(xs if len(xs) > 1 else xs[0])


def test_normalize_tuple():
    assert layer_args.normalize_tuple(3, 2, "k") == (3, 3)
    assert layer_args.normalize_tuple((0, 2), 2, "p", allow_zero=True) == (0, 2)
    with pytest.raises(ValueError, match="tuple of 2 integers"):
        layer_args.normalize_tuple((1, 2, 3), 2, "k")
    with pytest.raises(ValueError, match="requirement `> 0`"):
        layer_args.normalize_tuple((1, 0), 2, "k")
    assert layer_args.pairs((1, 2), 2, "padding") == ((1, 1), (2, 2))


def test_softmax_layer_output_remembers_its_logits():
    x = tk.placeholder(tk.float32, [None, 4])
    assert K.activations.keras_logits(L.Softmax()(x)) is x
    assert K.activations.keras_logits(L.Softmax(axis=[1])(x)) is x
    assert K.activations.keras_logits(L.Softmax(axis=[0, 1])(x)) is None  # as tf_keras
