"""Scenarios for the second batch of Keras layers (transposed/separable/depthwise/3-D
convolutions, upsampling, padding, cropping, global pooling, activation, normalization,
noise and merge layers), run on either backend: ``scenario(tf)`` builds graphs with
``tf.keras.layers``, fixes the weights, runs them and returns plain numbers and names.

``make_layers2_reference.py`` runs them under TF 2.21.0 + tf_keras 2.21 (``tf.compat.v1``,
eager disabled, ``TF_USE_LEGACY_KERAS=1``) into ``layers2_reference.json``;
``test_layers2_vs_tf.py`` runs them under trainkit and compares. Imports no TF library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _values(shape: tuple, k: float) -> np.ndarray:
    """Deterministic, tie-free values of ``shape``."""
    n = int(np.prod(shape))
    return (0.9 * np.sin(np.arange(n) * 0.731 + k) + 0.05 * np.cos(np.arange(n) * 1.7)
            ).reshape(shape).astype(np.float32)


def _case(tf: Any, make: Callable, shapes: list, call_kwargs: dict | None = None) -> dict:
    """Builds ``make()`` on placeholders of ``shapes`` (batch left unknown; a list input
    when there are several), fixes its weights, and returns its name, weight names and
    shapes, output shape, output, and the gradients of ``sum(y*y/2 + 0.3*y)`` with
    respect to the inputs and the weights."""
    K = tf.keras
    xs = [tf.placeholder(tf.float32, [None, *s[1:]]) for s in shapes]
    layer = make(K)
    y = layer(xs if len(xs) > 1 else xs[0], **(call_kwargs or {}))
    loss = tf.reduce_sum(y * y * 0.5 + 0.3 * y)
    weights = layer.weights
    grads = tf.gradients(loss, xs + list(weights))
    feed = {x: _values(tuple(s), float(i)) for i, (x, s) in enumerate(zip(xs, shapes))}
    out: dict = {"layer": layer.name, "weights": [w.name for w in weights],
                 "weight_shapes": [w.shape.as_list() for w in weights],
                 "static_shape": y.shape.as_list()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if weights:
            layer.set_weights([_values(tuple(w.shape.as_list()), 3.0 + i)
                               for i, w in enumerate(weights)])
        y_val, g_val = sess.run([y, grads], feed)
        if layer.losses:
            out["losses"] = [float(v) for v in sess.run(layer.losses, feed)]
    out["y"] = np.asarray(y_val).tolist()
    out["grads"] = [np.asarray(g).tolist() for g in g_val]
    return out


def _run_cases(tf: Any, cases: dict) -> dict:
    out = {}
    for name, (make, shapes, *rest) in cases.items():
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = _case(tf, make, shapes, rest[0] if rest else None)
    return out


def conv_layers(tf: Any) -> dict:
    """Conv2DTranspose, SeparableConv1D/2D, DepthwiseConv2D, Conv3D and 3-D pooling."""
    return _run_cases(tf, {
        "tconv_same": (lambda K: K.layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
                       [(2, 4, 4, 2)]),
        "tconv_valid": (lambda K: K.layers.Conv2DTranspose(2, (3, 2), strides=(2, 1),
                                                           activation="relu"),
                        [(2, 3, 4, 2)]),
        "tconv_outpad": (lambda K: K.layers.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                            output_padding=1),
                         [(2, 3, 3, 2)]),
        "tconv_dilated": (lambda K: K.layers.Convolution2DTranspose(2, 3, dilation_rate=2),
                          [(1, 4, 4, 2)]),
        "tconv_nchw": (lambda K: K.layers.Conv2DTranspose(2, 2, strides=2, use_bias=False,
                                                          data_format="channels_first"),
                       [(2, 2, 3, 3)]),
        "tconv_nchw_bias": (lambda K: K.layers.Conv2DTranspose(
            3, (2, 3), strides=(1, 2), padding="same", data_format="channels_first",
            activation="tanh"), [(2, 2, 3, 2)]),
        "sep2d_same": (lambda K: K.layers.SeparableConv2D(4, 3, padding="same",
                                                          depth_multiplier=2),
                       [(2, 5, 5, 3)]),
        "sep2d_strided": (lambda K: K.layers.SeparableConvolution2D(2, (2, 3), strides=2),
                          [(2, 6, 7, 2)]),
        "sep2d_dilated": (lambda K: K.layers.SeparableConv2D(2, 3, dilation_rate=2,
                                                             padding="same", use_bias=False),
                          [(1, 6, 6, 2)]),
        "sep1d_causal": (lambda K: K.layers.SeparableConv1D(3, 3, padding="causal",
                                                            dilation_rate=2),
                         [(2, 7, 2)]),
        "sep1d_strided": (lambda K: K.layers.SeparableConvolution1D(
            3, 2, strides=2, depth_multiplier=2, activation="tanh"), [(2, 7, 2)]),
        "depthwise_same": (lambda K: K.layers.DepthwiseConv2D(3, depth_multiplier=2,
                                                              padding="same"),
                           [(2, 5, 5, 3)]),
        "depthwise_strided": (lambda K: K.layers.DepthwiseConv2D((2, 3), strides=2,
                                                                 activation="relu"),
                              [(2, 6, 7, 2)]),
        "depthwise_dilated": (lambda K: K.layers.DepthwiseConv2D(3, dilation_rate=2),
                              [(1, 7, 7, 2)]),
        "conv3d_same": (lambda K: K.layers.Conv3D(2, (2, 3, 2), padding="same"),
                        [(2, 3, 4, 4, 2)]),
        "conv3d_strided": (lambda K: K.layers.Convolution3D(3, 2, strides=2,
                                                            activation="relu"),
                           [(1, 4, 5, 4, 2)]),
        "conv3d_nchw": (lambda K: K.layers.Conv3D(2, 2, data_format="channels_first"),
                        [(1, 2, 3, 3, 3)]),
        "maxpool3d": (lambda K: K.layers.MaxPooling3D(), [(2, 4, 4, 4, 2)]),
        "avgpool3d_same": (lambda K: K.layers.AveragePooling3D(
            pool_size=(2, 2, 1), strides=(1, 2, 1), padding="same"), [(2, 3, 5, 4, 2)]),
        "maxpool3d_alias": (lambda K: K.layers.MaxPool3D((1, 2, 2)), [(1, 2, 4, 4, 1)]),
        "avgpool3d_alias": (lambda K: K.layers.AvgPool3D(2, strides=1), [(1, 3, 3, 3, 1)]),
    })


def shape_layers(tf: Any) -> dict:
    """UpSampling, ZeroPadding, Cropping, RepeatVector, Permute and global pooling."""
    return _run_cases(tf, {
        "up1d": (lambda K: K.layers.UpSampling1D(3), [(2, 3, 2)]),
        "up2d_nearest": (lambda K: K.layers.UpSampling2D((2, 3)), [(2, 3, 2, 2)]),
        "up2d_bilinear": (lambda K: K.layers.UpSampling2D(2, interpolation="bilinear"),
                          [(2, 3, 4, 2)]),
        "up2d_bilinear3": (lambda K: K.layers.UpSampling2D(
            (3, 4), interpolation="bilinear", data_format="channels_first"),
            [(1, 2, 3, 3)]),
        "up3d": (lambda K: K.layers.UpSampling3D((1, 2, 2)), [(1, 2, 2, 2, 1)]),
        "pad1d": (lambda K: K.layers.ZeroPadding1D((1, 2)), [(2, 3, 2)]),
        "pad2d": (lambda K: K.layers.ZeroPadding2D(((1, 0), (2, 1))), [(2, 3, 3, 2)]),
        "pad2d_nchw": (lambda K: K.layers.ZeroPadding2D(1, data_format="channels_first"),
                       [(1, 2, 2, 3)]),
        "pad3d": (lambda K: K.layers.ZeroPadding3D((1, 0, 2)), [(1, 2, 2, 2, 1)]),
        "crop1d": (lambda K: K.layers.Cropping1D((1, 2)), [(2, 5, 2)]),
        "crop2d": (lambda K: K.layers.Cropping2D(((1, 0), (0, 2))), [(2, 4, 5, 2)]),
        "crop2d_nchw": (lambda K: K.layers.Cropping2D(1, data_format="channels_first"),
                        [(1, 2, 4, 4)]),
        "crop3d": (lambda K: K.layers.Cropping3D(((1, 0), (0, 1), (1, 1))),
                   [(1, 3, 3, 4, 2)]),
        "repeat": (lambda K: K.layers.RepeatVector(3), [(2, 4)]),
        "permute21": (lambda K: K.layers.Permute((2, 1)), [(2, 3, 4)]),
        "permute312": (lambda K: K.layers.Permute((3, 1, 2)), [(2, 2, 3, 4)]),
        "gap1d": (lambda K: K.layers.GlobalAveragePooling1D(), [(2, 4, 3)]),
        "gmp1d_nchw": (lambda K: K.layers.GlobalMaxPooling1D(data_format="channels_first"),
                       [(2, 4, 3)]),
        "gap2d": (lambda K: K.layers.GlobalAveragePooling2D(), [(2, 3, 4, 2)]),
        "gmp2d": (lambda K: K.layers.GlobalMaxPooling2D(), [(2, 3, 4, 2)]),
        "gap2d_nchw": (lambda K: K.layers.GlobalAvgPool2D(data_format="channels_first"),
                       [(2, 3, 4, 2)]),
        "gmp2d_keep": (lambda K: K.layers.GlobalMaxPool2D(keepdims=True), [(2, 3, 3, 2)]),
        "gap1d_alias": (lambda K: K.layers.GlobalAvgPool1D(), [(2, 4, 3)]),
        "gmp1d_alias": (lambda K: K.layers.GlobalMaxPool1D(), [(2, 4, 3)]),
        "gap3d": (lambda K: K.layers.GlobalAveragePooling3D(), [(2, 2, 3, 2, 2)]),
        "gmp3d": (lambda K: K.layers.GlobalMaxPooling3D(), [(2, 2, 3, 2, 2)]),
    })


def activation_layers(tf: Any) -> dict:
    """The activation layers, LayerNormalization, and the noise/dropout layers at
    inference (where they are the identity) plus ActivityRegularization's loss."""
    return _run_cases(tf, {
        "leaky": (lambda K: K.layers.LeakyReLU(), [(2, 5)]),
        "leaky01": (lambda K: K.layers.LeakyReLU(alpha=0.1), [(2, 3, 2)]),
        "prelu": (lambda K: K.layers.PReLU(), [(2, 3, 2)]),
        "prelu_shared": (lambda K: K.layers.PReLU(shared_axes=[1, 2]), [(2, 3, 3, 2)]),
        "relu": (lambda K: K.layers.ReLU(), [(2, 5)]),
        "relu_max": (lambda K: K.layers.ReLU(max_value=0.5), [(2, 5)]),
        "relu6": (lambda K: K.layers.ReLU(max_value=6.0), [(2, 5)]),
        "relu_slope_threshold": (lambda K: K.layers.ReLU(negative_slope=0.1, threshold=0.2),
                                 [(2, 6)]),
        "relu_slope_max": (lambda K: K.layers.ReLU(max_value=0.6, negative_slope=0.2),
                           [(2, 6)]),
        "elu": (lambda K: K.layers.ELU(), [(2, 5)]),
        "elu05": (lambda K: K.layers.ELU(alpha=0.5), [(2, 5)]),
        "thresholded": (lambda K: K.layers.ThresholdedReLU(theta=0.3), [(2, 5)]),
        "softmax": (lambda K: K.layers.Softmax(), [(2, 5)]),
        "softmax_axis1": (lambda K: K.layers.Softmax(axis=1), [(2, 3, 4)]),
        "softmax_axes": (lambda K: K.layers.Softmax(axis=[1, 2]), [(2, 3, 4)]),
        "layernorm": (lambda K: K.layers.LayerNormalization(), [(2, 3, 4)]),
        "layernorm_axes": (lambda K: K.layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
                           [(2, 3, 4)]),
        "layernorm_axis1": (lambda K: K.layers.LayerNormalization(axis=1, center=False),
                            [(2, 3, 4)]),
        "layernorm_noscale": (lambda K: K.layers.LayerNormalization(scale=False), [(3, 5)]),
        "gauss_noise_infer": (lambda K: K.layers.GaussianNoise(0.5), [(2, 4)]),
        "gauss_dropout_infer": (lambda K: K.layers.GaussianDropout(0.3), [(2, 4)],
                                {"training": False}),
        "alpha_dropout_infer": (lambda K: K.layers.AlphaDropout(0.2), [(2, 4)]),
        "spatial1d_infer": (lambda K: K.layers.SpatialDropout1D(0.5), [(2, 3, 4)]),
        "spatial2d_infer": (lambda K: K.layers.SpatialDropout2D(0.5), [(2, 2, 2, 3)],
                            {"training": False}),
        "spatial3d_infer": (lambda K: K.layers.SpatialDropout3D(0.5), [(1, 2, 2, 2, 3)]),
        "activity_reg": (lambda K: K.layers.ActivityRegularization(l1=0.01, l2=0.1),
                         [(2, 4)]),
    })


def merge_layers(tf: Any) -> dict:
    """Multiply, Subtract, Average, Maximum, Minimum, Dot and their functional forms."""
    out = _run_cases(tf, {
        "multiply3": (lambda K: K.layers.Multiply(), [(2, 3), (2, 3), (2, 3)]),
        "multiply_ranks": (lambda K: K.layers.Multiply(), [(2, 4, 3), (2, 3)]),
        "multiply_bcast": (lambda K: K.layers.Multiply(), [(2, 4, 3), (2, 1, 3)]),
        "subtract": (lambda K: K.layers.Subtract(), [(2, 3, 2), (2, 3, 2)]),
        "average": (lambda K: K.layers.Average(), [(2, 4), (2, 4), (2, 4)]),
        "maximum": (lambda K: K.layers.Maximum(), [(2, 5), (2, 5)]),
        "minimum": (lambda K: K.layers.Minimum(), [(2, 5), (2, 5), (2, 5)]),
        "dot_1": (lambda K: K.layers.Dot(axes=1), [(2, 3), (2, 3)]),
        "dot_22": (lambda K: K.layers.Dot(axes=(2, 2)), [(2, 3, 4), (2, 5, 4)]),
        "dot_norm": (lambda K: K.layers.Dot(axes=(1, 2), normalize=True),
                     [(2, 3, 4), (2, 2, 3)]),
        "dot_neg": (lambda K: K.layers.Dot(axes=-1), [(2, 3, 4), (2, 4)]),
        "dot_12": (lambda K: K.layers.Dot(axes=[1, 1]), [(2, 4), (2, 4, 3)]),
    })
    tf.reset_default_graph()
    tf.keras.backend.clear_session()
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [None, 3])
    K = tf.keras.layers
    fns = [K.multiply([a, b]), K.subtract([a, b]), K.average([a, b]), K.maximum([a, b]),
           K.minimum([a, b]), K.dot([a, b], axes=1), K.dot([a, b], axes=1, normalize=True)]
    with tf.Session() as sess:
        vals = sess.run(fns, {a: _values((2, 3), 0.0), b: _values((2, 3), 1.0)})
    out["functional"] = [v.tolist() for v in vals]
    out["functional_names"] = [t.name.split("/")[0] for t in fns]
    return out


def _error(build: Callable) -> str:
    try:
        build()
    except Exception as e:  # noqa: BLE001 - the error's type is what is recorded
        return type(e).__name__
    return "no error"


def errors(tf: Any) -> dict:
    """The exception type (name) raised for bad arguments and inputs."""
    K = tf.keras.layers

    def called(layer: Callable, *shapes: list) -> Callable:
        def run() -> Any:
            xs = [tf.placeholder(tf.float32, s) for s in shapes]
            return layer()(xs if len(xs) > 1 else xs[0])
        return run

    cases: dict[str, Callable] = {
        "pad1d_negative": lambda: K.ZeroPadding1D(-1),
        "pad2d_negative": lambda: K.ZeroPadding2D(((1, -2), (0, 0))),
        "pad2d_three": lambda: K.ZeroPadding2D((1, 2, 3)),
        "pad2d_rank": called(lambda: K.ZeroPadding2D(1), [None, 3, 3]),
        "crop1d_negative": lambda: K.Cropping1D((-1, 0)),
        "crop2d_three": lambda: K.Cropping2D((1, 2, 3)),
        "crop1d_too_much": called(lambda: K.Cropping1D((2, 2)), [None, 4, 2]),
        "crop2d_rank": called(lambda: K.Cropping2D(1), [None, 5, 5, 2, 1]),
        "up2d_interp": lambda: K.UpSampling2D(interpolation="foo"),
        "up2d_zero": lambda: K.UpSampling2D((2, 0)),
        "up1d_rank": called(lambda: K.UpSampling1D(2), [None, 4]),
        "tconv_outpad": lambda: K.Conv2DTranspose(2, 3, strides=1, output_padding=1),
        "tconv_padding": lambda: K.Conv2DTranspose(2, 3, padding="full"),
        "tconv_kernel": lambda: K.Conv2DTranspose(2, (3, 3, 3)),
        "tconv_rank": called(lambda: K.Conv2DTranspose(2, 3), [None, 4, 4]),
        "tconv_channels": called(lambda: K.Conv2DTranspose(2, 3), [None, 4, 4, None]),
        "sep2d_rank": called(lambda: K.SeparableConv2D(2, 3), [None, 5, 5]),
        "sep1d_rank": called(lambda: K.SeparableConv1D(2, 3), [None, 5, 5, 1]),
        "depthwise_rank": called(lambda: K.DepthwiseConv2D(3), [None, 5, 5]),
        "depthwise_kernel": lambda: K.DepthwiseConv2D(0),
        "conv3d_kernel": lambda: K.Conv3D(2, (2, 2)),
        "conv3d_rank": called(lambda: K.Conv3D(2, 2), [None, 4, 4, 2]),
        "maxpool3d_rank": called(lambda: K.MaxPooling3D(), [None, 4, 4, 2]),
        "gap2d_rank": called(lambda: K.GlobalAveragePooling2D(), [None, 4, 2]),
        "gmp1d_format": lambda: K.GlobalMaxPooling1D(data_format="channels_middle"),
        "relu_max": lambda: K.ReLU(max_value=-1.0),
        "relu_slope": lambda: K.ReLU(negative_slope=-0.1),
        "relu_threshold": lambda: K.ReLU(threshold=-1.0),
        "thresholded_negative": lambda: K.ThresholdedReLU(theta=-1.0),
        "leaky_none": lambda: K.LeakyReLU(alpha=None),
        "softmax_1d": called(lambda: K.Softmax(), [5]),
        "elu_none": lambda: K.ELU(alpha=None),
        "permute_gap": lambda: K.Permute((1, 3)),
        "permute_rank": called(lambda: K.Permute((2, 1)), [None, 2, 3, 4]),
        "repeat_float": lambda: K.RepeatVector(2.0),
        "repeat_rank": called(lambda: K.RepeatVector(2), [None, 2, 3]),
        "layernorm_axis_type": lambda: K.LayerNormalization(axis="a"),
        "layernorm_axis_range": called(lambda: K.LayerNormalization(axis=3), [None, 2, 3]),
        "spatial_format": lambda: K.SpatialDropout2D(0.5, data_format="foo"),
        "spatial_rate": lambda: K.SpatialDropout1D(1.5),
        "spatial_rank": called(lambda: K.SpatialDropout1D(0.5), [None, 2, 3, 4]),
        "dot_axes_type": lambda: K.Dot(axes="a"),
        "dot_axes_three": lambda: K.Dot(axes=(1, 2, 3)),
        "dot_axes_elements": lambda: K.Dot(axes=(1, "a")),
        "dot_sizes": called(lambda: K.Dot(axes=1), [None, 3], [None, 4]),
        "dot_three_inputs": called(lambda: K.Dot(axes=1), [None, 3], [None, 3], [None, 3]),
        "subtract_three": called(lambda: K.Subtract(), [None, 3], [None, 3], [None, 3]),
        "maximum_shapes": called(lambda: K.Maximum(), [None, 3], [None, 4]),
        "multiply_batches": called(lambda: K.Multiply(), [2, 3], [3, 3]),
        "multiply_not_list": called(lambda: K.Multiply(), [None, 3]),
    }
    out = {}
    for name, build in cases.items():
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = _error(build)
    return out


def unshared_layers(tf: Any) -> dict:
    """Conv3DTranspose (Convolution3DTranspose) and LocallyConnected1D/2D
    (implementation 1)."""
    return _run_cases(tf, {
        "tconv3d_same": (lambda K: K.layers.Conv3DTranspose(2, 3, strides=2, padding="same"),
                         [(2, 2, 3, 2, 2)]),
        "tconv3d_valid": (lambda K: K.layers.Conv3DTranspose(
            3, (2, 3, 1), strides=(1, 2, 2), activation="relu"), [(1, 2, 2, 3, 2)]),
        "tconv3d_outpad": (lambda K: K.layers.Conv3DTranspose(
            2, 2, strides=(2, 3, 2), padding="same", output_padding=(1, 2, 1)),
            [(1, 2, 2, 2, 1)]),
        "tconv3d_nchw": (lambda K: K.layers.Convolution3DTranspose(
            2, 2, strides=2, data_format="channels_first", activation="tanh"),
            [(2, 2, 2, 3, 2)]),
        "tconv3d_nobias": (lambda K: K.layers.Conv3DTranspose(2, (1, 2, 2), use_bias=False,
                                                              dilation_rate=2),
                           [(1, 2, 3, 3, 2)]),
        "local1d": (lambda K: K.layers.LocallyConnected1D(3, 2), [(2, 5, 2)]),
        "local1d_strided": (lambda K: K.layers.LocallyConnected1D(
            2, 3, strides=2, activation="relu"), [(2, 8, 3)]),
        "local1d_nchw": (lambda K: K.layers.LocallyConnected1D(
            3, 2, strides=2, data_format="channels_first"), [(2, 2, 6)]),
        "local2d": (lambda K: K.layers.LocallyConnected2D(3, 2), [(2, 4, 4, 2)]),
        "local2d_strided": (lambda K: K.layers.LocallyConnected2D(
            2, (2, 3), strides=(2, 1), use_bias=False), [(2, 5, 4, 3)]),
        "local2d_nchw": (lambda K: K.layers.LocallyConnected2D(
            3, 2, strides=(1, 2), data_format="channels_first", activation="tanh"),
            [(2, 2, 4, 5)]),
    })


def unshared_errors(tf: Any) -> dict:
    """The exception type (name) raised for bad arguments and inputs of Conv3DTranspose and
    the locally connected layers."""
    K = tf.keras.layers

    def called(layer: Callable, shape: list) -> Callable:
        return lambda: layer()(tf.placeholder(tf.float32, shape))

    cases: dict[str, Callable] = {
        "tconv3d_outpad": lambda: K.Conv3DTranspose(2, 2, strides=2, output_padding=2),
        "tconv3d_padding": lambda: K.Conv3DTranspose(2, 2, padding="causal"),
        "tconv3d_kernel": lambda: K.Conv3DTranspose(2, (2, 2)),
        "tconv3d_dilated_strided": lambda: K.Conv3DTranspose(2, 2, strides=2,
                                                             dilation_rate=2),
        "tconv3d_format": lambda: K.Conv3DTranspose(2, 2, data_format="channels_middle"),
        "tconv3d_rank": called(lambda: K.Conv3DTranspose(2, 2), [None, 4, 4, 2]),
        "tconv3d_channels": called(lambda: K.Conv3DTranspose(2, 2), [None, 2, 2, 2, None]),
        "local1d_same": lambda: K.LocallyConnected1D(2, 2, padding="same"),
        "local2d_same": lambda: K.LocallyConnected2D(2, 2, padding="same"),
        "local2d_padding": lambda: K.LocallyConnected2D(2, 2, padding="full"),
        "local2d_kernel": lambda: K.LocallyConnected2D(2, (2, 2, 2)),
        "local1d_kernel": lambda: K.LocallyConnected1D(2, 0),
        "local2d_format": lambda: K.LocallyConnected2D(2, 2, data_format="nhwc"),
        "local1d_rank": called(lambda: K.LocallyConnected1D(2, 2), [None, 4, 4, 2]),
        "local2d_rank": called(lambda: K.LocallyConnected2D(2, 2), [None, 4, 2]),
        "local2d_unknown_rows": called(lambda: K.LocallyConnected2D(2, 2), [None, None, 4, 2]),
        "local1d_channels": called(lambda: K.LocallyConnected1D(2, 2), [None, 4, None]),
        "local2d_too_small": called(lambda: K.LocallyConnected2D(2, 3), [None, 2, 4, 1]),
        "local1d_too_short": called(lambda: K.LocallyConnected1D(2, 5, strides=2),
                                    [None, 4, 1]),
        "local2d_impl9": called(lambda: K.LocallyConnected2D(2, 2, implementation=9),
                                [None, 4, 4, 1]),
    }
    out = {}
    for name, build in cases.items():
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = _error(build)
    return out


SCENARIOS = {"conv_layers": conv_layers, "shape_layers": shape_layers,
             "activation_layers": activation_layers, "merge_layers": merge_layers,
             "errors": errors, "unshared_layers": unshared_layers,
             "unshared_errors": unshared_errors}
