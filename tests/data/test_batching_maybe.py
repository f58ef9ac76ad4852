"""``tf.train.maybe_*batch*``: names, shapes and the kept elements, against TF 2.21
``tf.compat.v1`` (the dequeue op is named after the scope, ``batch:0`` as in TF)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _run(fetch, n):
    with tk.Session() as s:
        coord = tk.train.Coordinator()
        threads = tk.train.start_queue_runners(s, coord=coord)
        try:
            return [s.run(fetch) for _ in range(n)]
        finally:
            coord.request_stop()
            coord.join(threads)


def test_names_and_shapes_as_tf():
    with tk.Graph().as_default():
        x, y, k = tk.constant([1.0, 2.0]), tk.constant(3), tk.constant(True)
        got = [tk.train.maybe_batch([x, y], k, 4),
               tk.train.maybe_shuffle_batch([x, y], 4, 20, 5, k, seed=1),
               tk.train.maybe_batch_join([[x, y], [x, y]], k, 4),
               tk.train.maybe_shuffle_batch_join([[x, y], [x, y]], 4, 20, 5, k, seed=1),
               tk.train.batch([x, y], 4)]
        assert [[t.name for t in g] for g in got] == [
            ["batch:0", "batch:1"], ["shuffle_batch:0", "shuffle_batch:1"],
            ["batch_join:0", "batch_join:1"],
            ["shuffle_batch_join:0", "shuffle_batch_join:1"], ["batch_1:0", "batch_1:1"]]
        assert [t.shape.as_list() for t in got[0]] == [[4, 2], [4]]


def test_vector_keep_input_filters_rows_of_enqueue_many():
    with tk.Graph().as_default():
        rows = tk.constant(np.arange(6, dtype=np.int64).reshape(6, 1))
        keep = tk.constant([True, False, True, True, False, True])
        out = tk.train.maybe_batch([rows], keep, 4, enqueue_many=True)  # one tensor, as TF
        first = _run(out, 1)[0]
        assert first.reshape(-1).tolist() == [0, 2, 3, 5]


def test_scalar_keep_false_enqueues_nothing_true_everything():
    with tk.Graph().as_default():
        step = tk.Variable(0, dtype=tk.int64)
        counter = tk.assign_add(step, 1)
        keep = tk.equal(tk.math.floormod(counter, 2), 0)   # every second element
        out = tk.train.maybe_batch([counter], keep, 3)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            coord = tk.train.Coordinator()
            threads = tk.train.start_queue_runners(s, coord=coord)
            try:
                got = s.run(out)
            finally:
                coord.request_stop()
                coord.join(threads)
        assert all(v % 2 == 0 for v in got.tolist())


def test_keep_input_errors():
    with tk.Graph().as_default():
        x = tk.constant([1.0])
        with pytest.raises(ValueError, match="cannot be a vector"):
            tk.train.maybe_shuffle_batch([x], 4, 20, 5, tk.constant([True, False]))
        with pytest.raises(ValueError, match="rank 0 or 1"):
            tk.train.maybe_batch([x], tk.constant([[True]]), 4, enqueue_many=True)
        with pytest.raises(ValueError, match="at least one tensor list"):
            tk.train.maybe_batch_join([], tk.constant(True), 4)
