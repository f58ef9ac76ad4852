"""Reinitializable (``Iterator.from_structure`` + ``make_initializer``) and feedable
(``from_string_handle`` + ``string_handle()``) iterators, with TF1's semantics: one
``get_next`` restarted on different datasets; a handle selects the iterator per run and
each keeps its own position; a one-shot iterator starts when its handle is taken."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_reinitializable_iterator_switches_datasets():
    with tk.Graph().as_default():
        train = tk.data.Dataset.range(10).map(lambda x: x * 2)
        val = tk.data.Dataset.range(3)
        it = tk.data.Iterator.from_structure(train.output_types, train.output_shapes)
        nxt = it.get_next()
        train_init, val_init = it.make_initializer(train), it.make_initializer(val)
        assert it.output_types == tk.int64
        with tk.Session() as sess:
            with pytest.raises(tk.errors.FailedPreconditionError):
                sess.run(nxt)
            sess.run(train_init)
            assert [sess.run(nxt) for _ in range(3)] == [0, 2, 4]
            sess.run(val_init)
            assert [sess.run(nxt) for _ in range(3)] == [0, 1, 2]
            with pytest.raises(tk.errors.OutOfRangeError):
                sess.run(nxt)
            sess.run(train_init)  # restarts from the beginning
            assert sess.run(nxt) == 0


def test_make_initializer_rejects_other_structures():
    with tk.Graph().as_default():
        it = tk.data.Iterator.from_structure(tk.float32, tk.TensorShape([2]))
        with pytest.raises(TypeError):
            it.make_initializer(tk.data.Dataset.range(3))
        with pytest.raises(TypeError):
            it.make_initializer(tk.data.Dataset.from_tensor_slices(
                np.zeros((4, 3), np.float32)))
        it.make_initializer(tk.data.Dataset.from_tensor_slices(np.zeros((4, 2), np.float32)))


def test_feedable_iterator_keeps_each_position():
    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    with tk.Graph().as_default():
        train = tk.data.Dataset.from_tensor_slices((x, np.arange(4))).repeat()
        val = tk.data.Dataset.from_tensor_slices((-x, -np.arange(4)))
        handle = tk.placeholder(tk.string, shape=[])
        it = tk.data.Iterator.from_string_handle(handle, train.output_types,
                                                 train.output_shapes)
        feats, labels = it.get_next()
        assert feats.shape.as_list() == [2] and labels.dtype == tk.int64
        train_it = train.make_one_shot_iterator()
        val_it = val.make_initializable_iterator()
        with tk.Session() as sess:
            th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
            assert isinstance(th, bytes) and th != vh
            got = [int(sess.run(labels, {handle: th})) for _ in range(5)]
            assert got == [0, 1, 2, 3, 0]
            with pytest.raises(tk.errors.FailedPreconditionError):
                sess.run(labels, {handle: vh})  # not initialized yet
            sess.run(val_it.initializer)
            np.testing.assert_array_equal(sess.run(feats, {handle: vh}), -x[0])
            assert int(sess.run(labels, {handle: th})) == 1  # train kept its place
            with pytest.raises(tk.errors.InvalidArgumentError):
                sess.run(labels, {handle: b"iterator:nothing"})


def test_handle_of_other_types_is_rejected():
    with tk.Graph().as_default():
        handle = tk.placeholder(tk.string, shape=[])
        it = tk.data.Iterator.from_string_handle(handle, tk.float32)
        nxt = it.get_next()
        ints = tk.data.Dataset.range(3).make_one_shot_iterator()
        with tk.Session() as sess:
            h = sess.run(ints.string_handle())
            with pytest.raises(tk.errors.InvalidArgumentError):
                sess.run(nxt, {handle: h})
        with pytest.raises(TypeError):
            tk.data.Iterator.from_string_handle(tk.constant(1), tk.float32)
