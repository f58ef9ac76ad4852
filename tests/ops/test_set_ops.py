"""``tk.sets`` against results recorded with TF 2.21.0 (``tf.compat.v1.sets``, graph mode):
indices, values (in TF's order), dense shapes and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

S = tk.sets


def _inputs():
    return dict(
        a=tk.constant([[3, 1, 2, 2], [5, 6, 6, 7]]), b=tk.constant([[2, 9, 3], [8, 8, 8]]),
        a3=tk.constant(np.array([[[1, 2], [3, 3]], [[4, 5], [5, 6]]], np.int64)),
        b3=tk.constant(np.array([[[2], [3]], [[6], [4]]], np.int64)),
        sp=tk.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 1]], [5, 1, 7, 2], [3, 4]),
        sp2=tk.SparseTensor([[0, 2], [1, 1], [1, 3]], [1, 7, 9], [3, 5]),
        d3=tk.constant([[1, 5, 5], [7, 0, 0], [2, 2, 3]]),
        sa=tk.constant([[b"b", b"a", b"c"], [b"x", b"y", b"x"]]),
        sb=tk.constant([[b"c", b"zz"], [b"x", b"a"]]))


# name -> (build, indices, values, dense_shape), all from TF 2.21.0
CASES = {
    "intersection": (lambda i: S.set_intersection(i["a"], i["b"]),
                     [[0, 0], [0, 1]], [2, 3], [2, 2]),
    "union": (lambda i: S.set_union(i["a"], i["b"]),
              [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2], [1, 3]],
              [1, 2, 3, 9, 5, 6, 7, 8], [2, 4]),
    "difference": (lambda i: S.set_difference(i["a"], i["b"]),
                   [[0, 0], [1, 0], [1, 1], [1, 2]], [1, 5, 6, 7], [2, 3]),
    "b minus a": (lambda i: S.set_difference(i["a"], i["b"], aminusb=False),
                  [[0, 0], [1, 0]], [9, 8], [2, 1]),
    "rank 3 intersection": (lambda i: S.set_intersection(i["a3"], i["b3"]),
                            [[0, 0, 0], [0, 1, 0]], [2, 3], [2, 2, 1]),
    "rank 3 union": (lambda i: S.set_union(i["a3"], i["b3"]),
                     [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 2],
                      [1, 1, 0], [1, 1, 1], [1, 1, 2]], [1, 2, 3, 4, 5, 6, 4, 5, 6],
                     [2, 2, 3]),
    "sparse union": (lambda i: S.set_union(i["sp"], i["sp2"]),
                     [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]], [1, 5, 7, 9, 2], [3, 2]),
    "sparse difference": (lambda i: S.set_difference(i["sp"], i["sp2"]),
                          [[0, 0], [2, 0]], [5, 2], [3, 1]),
    "dense-sparse intersection": (lambda i: S.set_intersection(i["d3"], i["sp"]),
                                  [[0, 0], [0, 1], [1, 0], [2, 0]], [1, 5, 7, 2], [3, 2]),
    "sparse-dense intersection": (lambda i: S.set_intersection(i["sp"], i["d3"]),
                                  [[0, 0], [0, 1], [1, 0], [2, 0]], [1, 5, 7, 2], [3, 2]),
    "sparse-dense difference": (lambda i: S.set_difference(i["sp"], i["d3"]), [], [], [3, 0]),
    "dense-sparse difference": (lambda i: S.set_difference(i["d3"], i["sp"]),
                                [[1, 0], [2, 0]], [0, 3], [3, 1]),
    "string union": (lambda i: S.set_union(i["sa"], i["sb"]),
                     [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2]],
                     [b"a", b"b", b"c", b"zz", b"a", b"x", b"y"], [2, 4]),
    "string intersection": (lambda i: S.intersection(i["sa"], i["sb"]),
                            [[0, 0], [1, 0]], [b"c", b"x"], [2, 1]),
    "string difference": (lambda i: S.difference(i["sa"], i["sb"]),
                          [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"y"], [2, 2]),
    "empty": (lambda i: S.set_intersection(i["a"], tk.constant([[0], [0]])), [], [], [2, 0]),
    "alias union": (lambda i: S.union(i["a"], i["b"]),
                    [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2], [1, 3]],
                    [1, 2, 3, 9, 5, 6, 7, 8], [2, 4]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_match_tf(name):
    build, indices, values, dense_shape = CASES[name]
    with tk.Graph().as_default():
        st = build(_inputs())
        assert isinstance(st, tk.SparseTensor)
        with tk.Session() as sess:
            got = sess.run(st)
    assert got.indices.tolist() == indices and got.values.tolist() == values
    assert got.dense_shape.tolist() == dense_shape and got.indices.dtype == np.int64


def test_static_shapes_and_op_types():
    st = S.set_intersection(tk.constant([[1, 2]]), tk.constant([[2]]))
    assert st.indices.shape.as_list() == [None, 2] and st.values.shape.as_list() == [None]
    assert st.indices.op.type == "DenseToDenseSetOperation"
    assert st.values.dtype is tk.int32


def test_set_size():
    i = _inputs()
    sp3 = tk.SparseTensor([[0, 0, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]],
                          np.array([4, 4, 1, 2], np.int64), [2, 2, 3])
    sizes = [S.set_size(i["sp"]), S.size(i["sp"]), S.set_size(sp3)]
    assert sizes[0].op.type == "SetSize"
    with tk.Session() as sess:
        got = sess.run(sizes)
    assert [g.tolist() for g in got] == [[2, 1, 1], [2, 1, 1], [[1, 0], [0, 2]]]
    assert got[0].dtype == np.int32


@pytest.mark.parametrize("build, error, message", [
    (lambda: S.set_union(tk.constant([[1.0]]), tk.constant([[1.0]])), TypeError,
     "'a' has invalid dtype `float32` not in supported dtypes"),
    (lambda: S.set_union(tk.constant([[1]]), tk.constant(np.array([[1]], np.int64))),
     TypeError, "Types don't match, int32 vs int64."),
    (lambda: S.set_union(tk.constant([1, 2]), tk.constant([1])), ValueError,
     "Shape must be at least rank 2 but is rank 1"),
    (lambda: S.set_union(tk.constant([[1], [2]]), tk.constant([[1], [2], [3]])), ValueError,
     "Dimension 0 in both shapes must be equal, but are 2 and 3."),
    (lambda: S.set_size(tk.constant([[1, 2]])), TypeError, "Expected `SparseTensor`, got"),
])
def test_bad_inputs_raise_tfs_errors(build, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace("`", ".")):
        build()


def test_batch_mismatch_at_run_time_is_an_invalid_argument_error():
    a = tk.placeholder(tk.int32, [None, None])
    b = tk.placeholder(tk.int32, [None, None])
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="Shape mismatch"):
            sess.run(S.set_union(a, b), {a: [[1], [2]], b: [[1], [2], [3]]})
