"""More ``tf.sparse`` ops against TF 2.21 ``tf.compat.v1``: every expected value below was
printed by TF running the same graph (``/tmp``-free: the inputs are built here)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

TF = {
    "from_dense": {"i": [[0, 1], [1, 0], [1, 2]], "v": [2, 3, 4], "s": [2, 3]},
    "eye": {"i": [[0, 0], [1, 1], [2, 2]], "v": [1.0, 1.0, 1.0], "s": [3, 4]},
    "eye2": {"i": [[0, 0], [1, 1]], "v": [1, 1], "s": [2, 2]},
    "exp0": {"i": [[0, 0, 1], [0, 1, 0], [0, 2, 3]], "v": [1.0, -2.0, 3.0], "s": [1, 3, 4]},
    "exp_1": {"i": [[0, 1, 0], [1, 0, 0], [2, 3, 0]], "v": [1.0, -2.0, 3.0], "s": [3, 4, 1]},
    "exp1": {"i": [[0, 0, 1], [1, 0, 0], [2, 0, 3]], "v": [1.0, -2.0, 3.0], "s": [3, 1, 4]},
    "max": {"i": [[0, 1], [1, 0], [1, 2], [2, 3]], "v": [1.0, 0.0, 4.0, 5.0], "s": [3, 4]},
    "min": {"i": [[0, 1], [1, 0], [1, 2], [2, 3]], "v": [0.5, -2.0, 0.0, 3.0], "s": [3, 4]},
    "reset": {"i": [[0, 1], [1, 0], [2, 3]], "v": [1.0, -2.0, 3.0], "s": [3, 4]},
    "reset2": {"i": [[0, 1], [1, 0], [2, 3]], "v": [1.0, -2.0, 3.0], "s": [5, 6]},
    "slice": {"i": [[0, 0]], "v": [-2.0], "s": [2, 3]},
    "slice2": {"i": [[1, 1]], "v": [3.0], "s": [2, 2]},
    "split0": {"i": [[0, 0]], "v": [1], "s": [2, 2]},
    "split1": {"i": [[1, 0], [1, 1]], "v": [3, 4], "s": [2, 2]},
    "split2": {"i": [[0, 0]], "v": [2], "s": [2, 1]},
    "ind": [[False, True, False, True, False], [False, False, True, False, False]],
    "merge": {"i": [[0, 1], [0, 3], [1, 2]], "v": [0.25, 0.5, 2.0], "s": [2, 5]},
    "rss": {"i": [[0], [1], [2]], "v": [1.0, -2.0, 3.0], "s": [3]},
    "rss_k": {"i": [[0, 0], [0, 1], [0, 3]], "v": [-2.0, 1.0, 3.0], "s": [1, 4]},
    "rss0": {"i": [[0], [1]], "v": [0.0, 3.0], "s": [2]},
    "rms": {"i": [[0], [1]], "v": [1.0, 3.0], "s": [2]},
}


def _show(x):
    if hasattr(x, "dense_shape"):
        return {"i": np.asarray(x.indices).tolist(), "v": np.asarray(x.values).tolist(),
                "s": np.asarray(x.dense_shape).tolist()}
    return np.asarray(x).tolist()


def _graph():
    a = tk.SparseTensor([[0, 1], [1, 0], [2, 3]], [1.0, -2.0, 3.0], [3, 4])
    b = tk.SparseTensor([[0, 1], [1, 2], [2, 3]], [0.5, 4.0, 5.0], [3, 4])
    t = {"from_dense": tk.sparse.from_dense(tk.constant([[0, 2, 0], [3, 0, 4]])),
         "eye": tk.sparse.eye(3, 4), "eye2": tk.sparse.eye(2, dtype=tk.int32),
         "exp0": tk.sparse.expand_dims(a, 0), "exp_1": tk.sparse.expand_dims(a, -1),
         "exp1": tk.sparse.expand_dims(a, 1), "max": tk.sparse.maximum(a, b),
         "min": tk.sparse.minimum(a, b), "reset": tk.sparse.reset_shape(a),
         "reset2": tk.sparse.reset_shape(a, [5, 6]),
         "slice": tk.sparse.slice(a, [1, 0], [2, 3]),
         "slice2": tk.sparse.slice(a, [1, 2], [5, 5])}
    sp5 = tk.SparseTensor([[0, 0], [0, 4], [1, 2], [1, 3]], [1, 2, 3, 4], [2, 5])
    for i, s in enumerate(tk.sparse.split(sp_input=sp5, num_split=3, axis=1)):
        t[f"split{i}"] = s
    ids = tk.SparseTensor([[0, 0], [0, 1], [1, 0]], tk.constant([3, 1, 2], tk.int64), [2, 2])
    vals = tk.SparseTensor([[0, 0], [0, 1], [1, 0]], [0.5, 0.25, 2.0], [2, 2])
    t["ind"] = tk.sparse.to_indicator(ids, 5)
    t["merge"] = tk.sparse.merge(ids, vals, 5)
    t["rss"] = tk.sparse.reduce_sum_sparse(a, 1)
    t["rss_k"] = tk.sparse.reduce_sum_sparse(a, 0, keepdims=True)
    c = tk.SparseTensor([[0, 1], [0, 2], [1, 0]], [-1.0, 1.0, 3.0], [2, 3])
    t["rss0"] = tk.sparse.reduce_sum_sparse(c, 1)
    t["rms"] = tk.sparse.reduce_max_sparse(c, 1)
    return t


def test_every_op_gives_tf_values():
    with tk.Graph().as_default():
        t = _graph()
        with tk.Session() as s:
            got = {k: _show(s.run(v)) for k, v in t.items()}
    for k, want in TF.items():
        assert got[k] == want, k


def test_top_level_aliases():
    assert tk.sparse_maximum is tk.sparse.maximum and tk.sparse_slice is tk.sparse.slice
    assert tk.sparse_to_indicator is tk.sparse.to_indicator
    assert tk.sparse_reduce_sum_sparse is tk.sparse.reduce_sum_sparse


def test_values_keep_their_gradients():
    with tk.Graph().as_default():
        v = tk.constant([1.0, -2.0, 3.0])
        a = tk.SparseTensor([[0, 1], [1, 0], [2, 3]], v, [3, 4])
        b = tk.SparseTensor([[0, 1], [1, 2], [2, 3]], [0.5, 4.0, 5.0], [3, 4])
        total = tk.reduce_sum(tk.sparse.maximum(a, b).values) + \
            tk.reduce_sum(tk.sparse.reduce_sum_sparse(a, 1).values * 2.0)
        (g,) = tk.gradients(total, [v])
        with tk.Session() as s:
            # max picks a at [0, 1] (1 > 0.5), 0 at [1, 0], b at [2, 3]; the sum adds 2
            assert s.run(g).tolist() == [3.0, 2.0, 2.0]


def test_bad_inputs_raise_typed_errors():
    with tk.Graph().as_default():
        a = tk.SparseTensor([[0, 1], [2, 3]], [1.0, 3.0], [3, 4])
        other = tk.SparseTensor([[0, 1]], [1.0], [3, 5])
        with tk.Session() as s:
            with pytest.raises(tk.errors.InvalidArgumentError, match="same ranks or shapes"):
                s.run(tk.sparse.maximum(a, other).values)
            with pytest.raises(tk.errors.InvalidArgumentError, match="too small"):
                s.run(tk.sparse.reset_shape(a, [2, 4]).dense_shape)
            with pytest.raises(tk.errors.InvalidArgumentError, match="Rank of new_shape"):
                s.run(tk.sparse.reset_shape(a, [5, 5, 5]).dense_shape)
            with pytest.raises(tk.errors.InvalidArgumentError, match="out of range"):
                s.run(tk.sparse.expand_dims(a, 5).dense_shape)
        with pytest.raises(TypeError, match="SparseTensor"):
            tk.sparse.maximum([[1.0]], a)
        with pytest.raises(ValueError, match="Keyword arguments are required"):
            tk.sparse.split(a, 2, 1)
        with pytest.raises(ValueError, match="required"):
            tk.sparse.split(sp_input=a, num_split=2)
        with pytest.raises(ValueError, match="equal lengths"):
            tk.sparse.merge([a, a], a, [4])


def test_stack_and_concat_give_python_values_the_tensors_dtype():
    # TF 2.21: stack([-1, int64]) is int64, stack([1, float32]) float32, concat([[1], int64
    # vector]) int64; stack([1.5, int32]) a TypeError (1.5 does not fit int32)
    with tk.Graph().as_default():
        t = tk.constant(3, tk.int64)
        assert tk.stack([-1, t]).dtype == tk.int64
        assert tk.stack([t, -1]).dtype == tk.int64
        assert tk.stack([1.5, tk.constant(2.0, tk.float64)]).dtype == tk.float64
        assert tk.stack([1, tk.constant(2.0)]).dtype == tk.float32
        assert tk.concat([[1], tk.constant([2], tk.int64)], 0).dtype == tk.int64
        with pytest.raises(TypeError, match="same dtype"):
            tk.stack([1.5, tk.constant(2, tk.int32)])
        with tk.Session() as s:
            assert s.run(tk.stack([-1, t])).tolist() == [-1, 3]
