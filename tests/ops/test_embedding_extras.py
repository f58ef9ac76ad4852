"""safe_embedding_lookup_sparse equal to TF 2.21 (tf.compat.v1, the same table, ids and
weights: invalid ids, non-positive weights, empty rows, default_id, a 3-D id tensor and
the table's gradient; outputs recorded below)."""

from __future__ import annotations

import numpy as np

import trainkit as tk

WANT = {
    "m": [
        [0.4, 0.5, 0.6, 0.7],
        [1.6, 1.7, 1.8, 1.9],
        [0.0, 0.0, 0.0, 0.0],
        [0.6666666667, 0.7666666667, 0.8666666667, 0.9666666667],
    ],
    "s": [
        [0.8, 1.0, 1.2, 1.4],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [-0.4, -0.1, 0.2, 0.5],
    ],
    "mw": [
        [0.4, 0.5, 0.6, 0.7],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.2, 0.3, 0.4, 0.5],
    ],
    "d": [
        [0.4, 0.5, 0.6, 0.7],
        [1.6, 1.7, 1.8, 1.9],
        [1.6, 1.7, 1.8, 1.9],
        [1.1547005384, 1.3279056191, 1.5011106999, 1.6743157806],
    ],
    "r3": [
        [[0.8, 0.9, 1.0, 1.1], [1.2, 1.3, 1.4, 1.5]],
        [[0.0, 0.0, 0.0, 0.0], [0.4, 0.5, 0.6, 0.7]],
    ],
    "g": [
        [9.0, 9.75, 10.5, 11.25],
        [0.0, 1.0, 2.0, 3.0],
        [3.0, 3.25, 3.5, 3.75],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ],
}


def test_safe_embedding_lookup_sparse_equals_tf():
    emb = tk.constant(np.arange(20.).reshape(5, 4) * 0.1)
    idx = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 1], [3, 2]]
    ids = tk.SparseTensor(idx, tk.constant([1, -1, 4, 2, 0, 3], tk.int64), [4, 3])
    w = tk.SparseTensor(idx, tk.constant([2., 1., 0., 1., 3., -1.], tk.float64), [4, 3])
    ids3 = tk.SparseTensor([[0, 0, 0], [0, 1, 1], [1, 1, 0]], tk.constant([2, 3, 1], tk.int64),
                           [2, 2, 2])
    f = tk.nn.safe_embedding_lookup_sparse
    r = {"m": f(emb, ids), "s": f(emb, ids, w, combiner="sum"), "mw": f(emb, ids, w),
         "d": f(emb, ids, combiner="sqrtn", default_id=4), "r3": f(emb, ids3)}
    r["g"] = tk.convert_to_tensor(tk.gradients(
        tk.reduce_sum(r["mw"] * tk.constant(np.arange(16.).reshape(4, 4))), [emb])[0])
    with tk.Session() as sess:
        got = sess.run(r)
    for k, want in WANT.items():
        np.testing.assert_allclose(got[k], want, rtol=1e-9, atol=1e-10, err_msg=k)


def test_safe_embedding_lookup_sparse_static_shape_is_tfs():
    """TF 2.21's ``tf.compat.v1.nn.safe_embedding_lookup_sparse`` shapes: the embedding
    width always; the leading dims when the ids' dense shape is a build-time constant,
    else as many unknown dims as its length (none at all for an unknown length). A
    ``bow_encoder`` feeds this into ``fully_connected``, which needs the width."""
    with tk.Graph().as_default():
        e = tk.get_variable("e", [4, 3])
        sp = tk.SparseTensor([[0, 0], [2, 1]], tk.constant([1, 2], tk.int64), [3, 2])
        assert tk.nn.safe_embedding_lookup_sparse(
            [e], sp, combiner="mean", default_id=0).shape.as_list() == [3, 3]
        sp3 = tk.SparseTensor([[0, 0, 0]], tk.constant([1], tk.int64), [2, 3, 2])
        assert tk.nn.safe_embedding_lookup_sparse(e, sp3).shape.as_list() == [2, 3, 3]
        assert tk.nn.safe_embedding_lookup_sparse(
            e, tk.sparse_placeholder(tk.int64)).shape.ndims is None
        batch = tk.sparse_placeholder(tk.int64, shape=[None, None])
        assert tk.nn.safe_embedding_lookup_sparse(e, batch).shape.as_list() == [None, 3]
