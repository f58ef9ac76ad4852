"""In-graph datasets: sources, transformations, iterators and end-of-data."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.data import Dataset


def _drain(sess, t):
    out = []
    while True:
        try:
            out.append(sess.run(t))
        except tk.errors.OutOfRangeError:
            return out


def test_slices_batch_and_out_of_range():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = np.arange(5, dtype=np.int64)
    ds = Dataset.from_tensor_slices((x, y)).batch(2)
    assert ds.output_types == (tk.float32, tk.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[None, 2], [None]]
    fx, fy = ds.make_one_shot_iterator().get_next()
    with tk.Session() as s:
        got = _drain(s, (fx, fy))
        assert [b[1].tolist() for b in got] == [[0, 1], [2, 3], [4]]
        assert got[2][0].tolist() == [[8.0, 9.0]]
        with pytest.raises(tk.errors.OutOfRangeError):
            s.run(fx)  # stays at the end


def test_dict_elements_and_map_and_filter():
    ds = Dataset.from_tensor_slices({"a": np.arange(6), "b": np.arange(6) * 10})
    ds = ds.map(lambda d: {"sum": d["a"] + d["b"], "a": d["a"]})
    ds = ds.filter(lambda d: tk.greater(d["a"], 2) if hasattr(tk, "greater")
                   else d["a"] > 2)
    el = ds.make_one_shot_iterator().get_next()
    with tk.Session() as s:
        got = _drain(s, el)
    assert [g["sum"] for g in got] == [33, 44, 55]
    assert [g["a"] for g in got] == [3, 4, 5]


def test_map_of_tuple_passes_positional_args():
    ds = Dataset.from_tensor_slices((np.array([1.0, 2.0], np.float32),
                                     np.array([3.0, 4.0], np.float32)))
    el = ds.map(lambda a, b: a * b).make_one_shot_iterator().get_next()
    with tk.Session() as s:
        assert _drain(s, el) == [3.0, 8.0]


def test_repeat_take_skip():
    ds = Dataset.range(5).skip(1).take(3).repeat(2)
    el = ds.make_one_shot_iterator().get_next()
    with tk.Session() as s:
        assert _drain(s, el) == [1, 2, 3, 1, 2, 3]


def test_repeat_then_batch_crosses_epochs_and_drop_remainder():
    ds = Dataset.range(5).repeat(2).batch(4, drop_remainder=True)
    assert ds.output_shapes.as_list() == [4]
    el = ds.make_one_shot_iterator().get_next()
    with tk.Session() as s:
        assert [b.tolist() for b in _drain(s, el)] == [[0, 1, 2, 3], [4, 0, 1, 2]]


def test_shuffle_is_seeded_permutation_reshuffled_each_epoch():
    ds = Dataset.range(20).shuffle(8, seed=3).repeat(2)
    el = ds.make_one_shot_iterator().get_next()
    with tk.Session() as s1:
        a = _drain(s1, el)
    with tk.Session() as s2:
        b = _drain(s2, el)
    assert a == b  # same seed, new session -> same order
    assert sorted(a[:20]) == list(range(20)) and sorted(a[20:]) == list(range(20))
    assert a[:20] != list(range(20)) and a[:20] != a[20:]


def test_initializable_iterator_with_placeholder():
    x = tk.placeholder(tk.float32, [None], name="x")
    it = Dataset.from_tensor_slices(x).batch(2).make_initializable_iterator()
    el = it.get_next()
    with tk.Session() as s:
        with pytest.raises(tk.errors.FailedPreconditionError, match="not been initialized"):
            s.run(el)
        s.run(it.initializer, {x: [1.0, 2.0, 3.0]})
        assert [b.tolist() for b in _drain(s, el)] == [[1.0, 2.0], [3.0]]
        s.run(it.initializer, {x: [7.0]})  # restart with new data
        assert [b.tolist() for b in _drain(s, el)] == [[7.0]]


def test_bad_inputs():
    with pytest.raises(ValueError, match="must match"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(TypeError, match="batch_size"):
        Dataset.range(3).batch(2.5)
    with pytest.raises(TypeError, match="buffer_size"):
        Dataset.range(3).shuffle("10")
    x = tk.placeholder(tk.float32, [None])
    with pytest.raises(ValueError, match="placeholder"):
        Dataset.from_tensor_slices(x).make_one_shot_iterator()
    with pytest.raises(ValueError, match="one-shot"):
        _ = Dataset.range(3).make_one_shot_iterator().initializer
    with pytest.raises(ValueError, match="scalar"):
        Dataset.from_tensor_slices(np.float32(1.0))


def test_iterator_state_resumes_exactly_mid_epoch():
    ds = (Dataset.from_tensor_slices(np.arange(30)).shuffle(7, seed=11).repeat()
          .batch(4))
    it = ds.make_one_shot_iterator()
    el = it.get_next()
    with tk.Session() as s:
        straight = [s.run(el).tolist() for _ in range(15)]
    with tk.Session() as s:
        first = [s.run(el).tolist() for _ in range(6)]
        saved = it.saveable_state(s)
    assert all(isinstance(v, np.ndarray) for v in saved.values())
    with tk.Session() as s:
        it.restore_saveable_state(s, saved)
        rest = [s.run(el).tolist() for _ in range(9)]
    assert first + rest == straight


def _all_elements(nxt):
    out = []
    with tk.Session() as sess:
        while True:
            try:
                out.append(sess.run(nxt))
            except tk.errors.OutOfRangeError:
                return out


def test_python_lists_are_values_not_structures():
    # tf.data converts a Python list to one tensor; tuples and dicts stay structures.
    ds = tk.data.Dataset.from_tensor_slices([1, 2, 3])
    assert ds.output_types is tk.int32 and ds.output_shapes.as_list() == []
    assert [int(v) for v in _all_elements(ds.make_one_shot_iterator().get_next())] == [1, 2, 3]
    d2 = tk.data.Dataset.from_tensor_slices({"x": [[1.0, 2.0], [3.0, 4.0]], "y": [0, 1]})
    got = _all_elements(d2.make_one_shot_iterator().get_next())
    assert len(got) == 2 and got[1]["y"] == 1 and got[1]["x"].dtype == np.float32
    np.testing.assert_array_equal(got[1]["x"], [3.0, 4.0])
    d3 = tk.data.Dataset.from_tensors([[1, 2], [3, 4]])
    (only,) = _all_elements(d3.make_one_shot_iterator().get_next())
    np.testing.assert_array_equal(only, [[1, 2], [3, 4]])
    d4 = tk.data.Dataset.from_tensor_slices(([1, 2], ["a", "b"]))
    assert _all_elements(d4.make_one_shot_iterator().get_next())[1] == (2, b"b")
    with pytest.raises(ValueError, match="must match"):
        tk.data.Dataset.from_tensor_slices({"x": [1, 2], "y": [1, 2, 3]})


def test_graph_seeded_shuffle_and_one_shot_iterator_take_op_seeds_as_tf():
    """Under a graph seed TF 2.21's ``shuffle`` (without a seed of its own) and
    ``make_one_shot_iterator`` each take an op seed from the graph, so the random op made
    after them gets op seed 2 and TF's numbers; a ``shuffle`` with a seed takes none."""
    g = tk.Graph()
    with g.as_default():
        tk.set_random_seed(1)
        tk.data.Dataset.range(10).shuffle(5).make_one_shot_iterator()
        tk.data.make_initializable_iterator(tk.data.Dataset.range(10).shuffle(5, seed=4))
        x = tk.random_uniform([2])
        seeds = [(op.get_attr("seed"), op.get_attr("seed2")) for op in g.get_operations()
                 if op.type == "RandomUniform"]
        with tk.Session() as s:
            got = s.run(x)
    assert seeds == [(1, 2)]
    np.testing.assert_allclose(got, [0.406396746635437, 0.8575996160507202], rtol=1e-7)


def test_range_bounds_fed_at_the_initializer():
    """The r1 "Importing Data" guide's ``Dataset.range(max_value)`` with a placeholder
    fed 10 then 100 at ``iterator.initializer`` (TF 2.21 gives 0..9, then 0..99); a
    tensor ``step`` of zero fails when the iterator starts, a float bound when built."""
    max_value = tk.placeholder(tk.int64, shape=[])
    it = Dataset.range(max_value).make_initializable_iterator()
    el = it.get_next()
    start, step = tk.placeholder(tk.int64, []), tk.placeholder(tk.int64, [])
    it2 = Dataset.range(start, 20, step).make_initializable_iterator()
    el2 = it2.get_next()
    with tk.Session() as s:
        s.run(it.initializer, {max_value: 10})
        assert _drain(s, el) == list(range(10))
        s.run(it.initializer, {max_value: 100})
        assert _drain(s, el) == list(range(100))
        s.run(it2.initializer, {start: 3, step: 7})
        assert _drain(s, el2) == [3, 10, 17]
        with pytest.raises(tk.errors.InvalidArgumentError, match="step"):
            s.run(it2.initializer, {start: 3, step: 0})
            s.run(el2)
    with pytest.raises(TypeError, match="range argument"):
        Dataset.range(tk.placeholder(tk.float32, []))
    with pytest.raises(ValueError, match="placeholder"):
        Dataset.range(max_value).make_one_shot_iterator()


def test_one_shot_iterator_refuses_stateful_captures():
    """TF 2.21 raises ValueError ("Cannot capture a stateful node (name:..., type:...)
    by value") for a one-shot iterator over a dataset sliced from a random draw, a
    variable or a ``py_func``, even behind arithmetic; a constant, or an initializable
    iterator over the same random draw, is fine."""
    makers = {"RandomUniform": lambda: tk.random_uniform([3]) * 2 + 1,
              "VariableV2": lambda: tk.Variable([1.0, 2.0]) * 1,
              "PyFunc": lambda: tk.py_func(lambda: np.float32([1, 2]), [], tk.float32)}
    for op_type, make in makers.items():
        with tk.Graph().as_default():
            with pytest.raises(ValueError, match=f"stateful node .*type:{op_type}"):
                Dataset.from_tensor_slices(make()).make_one_shot_iterator()
    with tk.Graph().as_default():
        el = Dataset.from_tensor_slices(tk.constant([1.0, 2.0]) * 2).make_one_shot_iterator()
        it = Dataset.from_tensor_slices(tk.random_uniform([3])).make_initializable_iterator()
        with tk.Session() as s:
            assert _drain(s, el.get_next()) == [2.0, 4.0]
            s.run(it.initializer)
            assert len(_drain(s, it.get_next())) == 3
