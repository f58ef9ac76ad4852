"""``slim.instance_norm`` against TF 2.21 + tf_slim 1.1.0 (names, shapes, the printed
values and every error message below were recorded from tf_slim on the same input), a
NumPy reference, and finite-difference gradients. Pix2Pix in tensorflow/models' slim nets
uses it as ``normalizer_fn``."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

slim = tk.contrib.slim
X = (np.arange(2 * 2 * 3 * 4).reshape(2, 2, 3, 4) % 7 - 3.0) ** 2 / 4


def _numpy_instance_norm(x, axes, epsilon=1e-6):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + epsilon)


def test_names_shapes_and_values_match_tf_slim():
    x = tk.placeholder(tk.float32, [None, 2, 3, 4], name="x")
    a = slim.instance_norm(x, outputs_collections="ep")
    b = slim.instance_norm(x, data_format="NCHW", scale=False, scope="nchw",
                           param_initializers={"beta": tk.constant_initializer(0.5)})
    c = slim.instance_norm(tk.reshape(x, [-1, 6, 4]), activation_fn=tk.nn.relu, epsilon=0.1)
    assert [a.op.name, b.op.name, c.op.name] == ["InstanceNorm/instancenorm/add_1",
                                                 "nchw/instancenorm/add_1",
                                                 "InstanceNorm_1/Relu"]
    assert a.shape.as_list() == [None, 2, 3, 4] and c.shape.as_list() == [None, 6, 4]
    names = ["InstanceNorm/beta", "InstanceNorm/gamma", "nchw/beta", "InstanceNorm_1/beta",
             "InstanceNorm_1/gamma"]
    assert [v.op.name for v in tk.global_variables()] == names
    assert [v.shape.as_list() for v in tk.global_variables()] == [[4], [4], [2], [4], [4]]
    assert [v.op.name for v in slim.get_model_variables()] == names
    assert list(slim.utils.convert_collection_to_dict("ep")) == ["InstanceNorm"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        av, bv, cv = sess.run([a, b, c], {x: X})
    np.testing.assert_allclose(av[1, :, :, 2], [[0.0, -0.80178, 1.33631],
                                                [-1.06904, 1.33631, -0.80178]], atol=2e-5)
    np.testing.assert_allclose(bv[0, 1], [[0.32855, 1.7981, 1.7981, 0.32855],
                                          [-0.55317, -0.84708, -0.55317, 0.32855],
                                          [1.7981, 1.7981, 0.32855, -0.55317]], atol=2e-5)
    np.testing.assert_allclose(cv[1, :, 0], [0.0, 1.78007, 0.0, 0.2543, 0.2543, 0.0],
                               atol=2e-5)
    np.testing.assert_allclose(av, _numpy_instance_norm(X, (1, 2)), atol=1e-5)
    np.testing.assert_allclose(bv, _numpy_instance_norm(X, (2, 3)) + 0.5, atol=1e-5)


def test_gradients_match_finite_differences():
    x = tk.constant(X[:1], dtype=tk.float64)
    y = slim.instance_norm(x, param_initializers={
        "gamma": tk.constant_initializer([1.0, 2.0, -1.0, 0.5])})
    with tk.Session():
        tk.global_variables_initializer().run()
        err = tk.test.compute_gradient_error(x, [1, 2, 3, 4], y * y[..., ::-1], [1, 2, 3, 4],
                                             x_init_value=X[:1])
    assert err < 1e-6


@pytest.mark.parametrize("make, kwargs, message", [
    (lambda: tk.placeholder(tk.float32), {}, r"Inputs Placeholder:0 has undefined rank\."),
    (lambda: tk.ones([2, 3, 3]), {"data_format": "NCW"},
     "data_format has to be either NCHW or NHWC."),
    (lambda: tk.placeholder(tk.float32, [2, 3, None]), {},
     r"Inputs Placeholder:0 has undefined channels dimension \(\?,\)\."),
    (lambda: tk.placeholder(tk.float32, [2, None, 3]), {"data_format": "NCHW"},
     r"Inputs Placeholder:0 has undefined channels dimension \(\?,\)\."),
])
def test_bad_inputs_are_value_errors(make, kwargs, message):
    with pytest.raises(ValueError, match=message):
        slim.instance_norm(make(), **kwargs)
