"""``slim.group_norm`` against TF 2.21 + tf_slim 1.1.0 (names, shapes, the printed values
and every error message below were recorded from tf_slim on the same input), a NumPy
reference of the group statistics, and finite-difference gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

slim = tk.contrib.slim
X = (np.arange(2 * 2 * 3 * 4).reshape(2, 2, 3, 4) % 7 - 3.0) ** 2 / 4


def _numpy_group_norm(x, groups, axis, epsilon=1e-6):
    """Per example: split ``axis`` into groups, normalize each group over all else."""
    x = np.moveaxis(x, axis, 1)
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    y = (g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + epsilon)
    return np.moveaxis(y.reshape(x.shape), 1, axis)


def test_names_shapes_and_values_match_tf_slim():
    x = tk.placeholder(tk.float32, [None, 2, 3, 4], name="x")
    y = slim.group_norm(x, groups=2, outputs_collections="ep")
    y2 = slim.group_norm(x, groups=2, channels_axis=-3, reduction_axes=(-2, -1), scale=False,
                         scope="nchw", param_initializers={"beta": tk.constant_initializer(0.5)})
    y3 = slim.group_norm(x, groups=1, mean_close_to_zero=True, activation_fn=tk.nn.relu)
    assert [y.op.name, y2.op.name, y3.op.name] == ["GroupNorm/Reshape_2", "nchw/Reshape_1",
                                                   "GroupNorm_1/Relu"]
    assert y.shape.as_list() == y3.shape.as_list() == [None, 2, 3, 4]
    names = ["GroupNorm/beta", "GroupNorm/gamma", "nchw/beta", "GroupNorm_1/beta",
             "GroupNorm_1/gamma"]
    assert [v.op.name for v in tk.global_variables()] == names
    assert [v.op.name for v in slim.get_model_variables()] == names
    assert list(slim.utils.convert_collection_to_dict("ep")) == ["GroupNorm"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b, c = sess.run([y, y2, y3], {x: X})
    np.testing.assert_allclose(a[0, :, :, 0], [[1.2981, -1.05317, -0.17145],
                                               [-0.17145, -1.05317, 1.2981]], atol=2e-5)
    np.testing.assert_allclose(b[1, 0], [[-0.67033, -0.39496, 0.43116, 1.80801],
                                         [1.80801, 0.43116, -0.39496, -0.67033],
                                         [-0.39496, 0.43116, 1.80801, 1.80801]], atol=2e-5)
    np.testing.assert_allclose(c[0, 1], [[0.0, 1.42469, 1.42469, 0.0], [0.0, 0.0, 0.0, 0.0],
                                         [1.42469, 1.42469, 0.0, 0.0]], atol=2e-5)
    np.testing.assert_allclose(a, _numpy_group_norm(X, 2, -1), atol=1e-5)
    np.testing.assert_allclose(b, _numpy_group_norm(X, 2, 1) + 0.5, atol=1e-5)


def test_gradients_match_finite_differences():
    x = tk.constant(X[:1], dtype=tk.float64)
    y = slim.group_norm(x, groups=2, param_initializers={
        "gamma": tk.constant_initializer([1.0, 2.0, -1.0, 0.5])})
    with tk.Session():
        tk.global_variables_initializer().run()
        err = tk.test.compute_gradient_error(x, [1, 2, 3, 4], y * y[..., ::-1], [1, 2, 3, 4],
                                             x_init_value=X[:1])
    assert err < 1e-6


@pytest.mark.parametrize("make, message", [
    (lambda: tk.placeholder(tk.float32), r"Inputs Placeholder:0 has undefined rank\."),
    (lambda: tk.placeholder(tk.float32, [2, 3, 3, None]),
     r"Inputs Placeholder:0 has undefined channel dimension: 3\."),
    (lambda: tk.placeholder(tk.float32, [2, None, 3, 4]),
     r"Inputs Placeholder:0 has undefined dimensions 1\."),
])
def test_unknown_dimensions_are_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        slim.group_norm(make(), groups=2)


@pytest.mark.parametrize("kwargs, message", [
    (dict(groups=3), "4 channels is not commensurate with 3 groups."),
    (dict(groups=8), "Invalid groups 8 for 4 channels."),
    (dict(channels_axis=4), "Axis is out of bounds."),
    (dict(reduction_axes=(-3, 7)), "Axis is out of bounds."),
    (dict(groups=2, reduction_axes=(-2, -1)),
     "reduction_axis must be mutually exclusive with channels_axis"),
])
def test_bad_axes_and_groups_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        slim.group_norm(tk.ones([2, 3, 3, 4]), **kwargs)
