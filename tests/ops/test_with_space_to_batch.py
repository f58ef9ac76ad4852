"""``tk.nn.with_space_to_batch`` against TF 2.21 (tf.compat.v1 on the same seeded inputs:
shape, sum and index-weighted sum of the output and of the input gradient for seeded
upstream weights, recorded by tests/ops/data/make_nn_extras_reference.py), against the
dilated ops it emulates, and TF's errors; plus ``tk.nn.space_to_batch`` (TF1's alias)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(6)
X, W = RNG.normal(size=(2, 7, 8, 3)), RNG.normal(size=(3, 2, 3, 4))

TF = {  # TF 2.21: [output, d/dinput] as (shape, sum, sum(a * arange(a.size)))
    'same': [((2, 7, 8, 4), -16.986532581275455, -4538.479666631303),
             ((2, 7, 8, 3), -72.2185944105178, -10927.642661208583)],
    'valid': [((2, 3, 6, 4), -80.19892791471477, -3123.96292909134),
              ((2, 7, 8, 3), -22.104917241137542, 89.35673472945632)],
    'rate1': [((2, 7, 8, 4), -10.338976838866394, 2345.865910090719),
              ((2, 7, 8, 3), -72.77214366631628, -11893.110661823517)],
    'pool_h': [((2, 7, 8, 3), 245.87998127423305, 42016.219824384825),
               ((2, 7, 8, 3), 270.4782351246795, 43218.14092327487)],
}


def _conv(inp, n, pad):
    assert n == 2
    return tk.nn.conv2d(inp, tk.constant(W), [1, 1, 1, 1], pad)


def _pool_h(inp, n, pad):
    assert n == 1
    return tk.nn.max_pool(inp, [1, 3, 1, 1], [1, 1, 1, 1], pad)


CASES = {"same": ([2, 3], "SAME", [3, 2], _conv, None),
         "valid": ([2, 2], "VALID", None, _conv, None),
         "rate1": ([1, 1], "SAME", [3, 2], _conv, None),
         "pool_h": ([3], "SAME", [3], _pool_h, [1])}


def _fp(a):
    a = np.asarray(a, np.float64)
    return (a.shape, a.sum(), (a.ravel() * np.arange(a.size)).sum())


@pytest.mark.parametrize("key", sorted(CASES))
def test_values_and_gradients_match_tf(key):
    rate, pad, fs, op, sd = CASES[key]
    x = tk.constant(X)
    y = tk.nn.with_space_to_batch(x, rate, pad, op, filter_shape=fs, spatial_dims=sd)
    up = np.random.default_rng(2).uniform(0.5, 1.5, y.shape.as_list())
    with tk.Session() as s:
        got = s.run([y, *tk.gradients(y, [x], grad_ys=tk.constant(up))])
    for g, want in zip(got, TF[key], strict=True):
        shape, total, weighted = _fp(g)
        assert shape == want[0]
        np.testing.assert_allclose([total, weighted], want[1:], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("pad", ["SAME", "VALID"])
def test_equals_the_dilated_convolution(pad):
    y = tk.nn.with_space_to_batch(X, [2, 3], pad, _conv, filter_shape=[3, 2])
    want = tk.nn.conv2d(X, W, [1, 1, 1, 1], pad, dilations=[1, 2, 3, 1])
    ops = {op.type for op in y.graph.get_operations()}
    assert {"SpaceToBatchND", "BatchToSpaceND"} <= ops
    with tk.Session() as s:
        a, b = s.run([y, want])
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_channels_first_and_explicit_spatial_dims():
    xc = np.transpose(X, [0, 3, 1, 2])
    seen = []

    def op(inp, n, pad):
        seen.append((inp.shape.as_list(), n, pad))
        return inp * 2.0

    y = tk.nn.with_space_to_batch(xc, [2, 2], "VALID", op, data_format="NCHW")
    z = tk.nn.with_space_to_batch(X, [2], "VALID", op, spatial_dims=[2])
    assert seen == [([8, 3, 4, 4], 2, "VALID"), ([4, 7, 4, 3], 1, "VALID")]
    with tk.Session() as s:
        a, b = s.run([y, z])
    np.testing.assert_allclose(a, 2 * xc)
    np.testing.assert_allclose(b, 2 * X)


X4 = np.zeros((2, 4, 5, 3))


def _pool(i, n, p):
    return tk.nn.max_pool(i, [1, 2, 2, 1], [1, 1, 1, 1], p)


@pytest.mark.parametrize("kwargs, match", [  # TF 2.21 raises ValueError for each
    (dict(dilation_rate=[[2, 2]]), "rank` must be 1"),
    (dict(dilation_rate=[0, 2]), "must be positive"),
    (dict(padding="SAME"), "filter_shape"),
    (dict(padding="FULL"), "'SAME' or 'VALID'"),
    (dict(padding="valid"), "'SAME' or 'VALID'"),
    (dict(spatial_dims=[2, 1]), "monotonically"),
    (dict(spatial_dims=[0, 1]), "monotonically"),
    (dict(dilation_rate=[2, 2, 2, 2], op=lambda i, n, p: i), "at least 5"),
])
def test_bad_arguments_raise_value_errors(kwargs, match):
    args = dict(input=X4, dilation_rate=[2, 2], padding="VALID", op=_pool)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        tk.nn.with_space_to_batch(**args)


def test_unknown_spatial_sizes_are_refused():
    """Differs from TF: the paddings are static here, so spatial sizes must be known."""
    x = tk.placeholder(tk.float64, [None, None, 5, 3])
    with pytest.raises(ValueError, match="spatial sizes"):
        tk.nn.with_space_to_batch(x, [2, 2], "VALID", _pool)


def test_space_to_batch_is_tf1s_two_d_form():
    assert tk.nn.space_to_batch is tk.space_to_batch
    x = np.arange(2 * 4 * 6 * 1, dtype=np.float32).reshape(2, 4, 6, 1)
    y = tk.nn.space_to_batch(x, [[0, 0], [1, 1]], block_size=2)
    with tk.Session() as s:
        got = s.run(y)
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (0, 0)])
    want = padded.reshape(2, 2, 2, 4, 2, 1).transpose(2, 4, 0, 1, 3, 5).reshape(8, 2, 4, 1)
    np.testing.assert_array_equal(got, want)
    with pytest.raises(TypeError):
        tk.nn.space_to_batch(x, [[0, 0], [0, 0]])
