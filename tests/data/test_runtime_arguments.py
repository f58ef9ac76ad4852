"""Dataset arguments TF checks when the pipeline starts, not when it is described.

Every expectation here (the error type, its message, or the elements) was printed by
TF 2.21 (``tf.compat.v1``, graph mode) for the same pipeline read through a one-shot
iterator; type errors (a float count) are raised by TF at construction and stay there.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors

Dataset = tf.data.Dataset
_flat = lambda w: w  # noqa: E731


def _read(ds) -> list:
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as s:
        while len(out) < 12:
            try:
                out.append(np.asarray(s.run(nxt)).tolist())
            except errors.OutOfRangeError:
                break
    return out


# (builder, TF 2.21's message); each builds without error and fails when read
_REFUSED_AT_RUN_TIME = [
    (lambda: Dataset.range(5).window(0).flat_map(_flat), "Window size must be greater than zero."),
    (lambda: Dataset.range(5).window(-1).flat_map(_flat), "Window size must be greater than zero."),
    (lambda: Dataset.range(5).window(2, shift=0).flat_map(_flat),
     "Window shift must be greater than zero."),
    (lambda: Dataset.range(5).window(2, shift=-1).flat_map(_flat),
     "Window shift must be greater than zero."),
    (lambda: Dataset.range(5).window(2, stride=0).flat_map(_flat),
     "Window stride must be greater than zero."),
    (lambda: Dataset.range(5).window(2, stride=-2).flat_map(_flat),
     "Window stride must be greater than zero."),
    (lambda: Dataset.range(5).batch(0), "Batch size must be greater than zero."),
    (lambda: Dataset.range(5).batch(-1), "Batch size must be greater than zero."),
    (lambda: Dataset.range(5).batch(0, drop_remainder=True),
     "Batch size must be greater than zero."),
    (lambda: Dataset.range(5).padded_batch(0, padded_shapes=[]),
     "Batch size must be greater than zero."),
    (lambda: Dataset.range(5).padded_batch(-1, padded_shapes=[]),
     "Batch size must be greater than zero."),
    (lambda: Dataset.range(5).shuffle(0),
     "buffer_size must be greater than zero or UNKNOWN_CARDINALITY"),
    (lambda: Dataset.range(5).shuffle(-1),
     "buffer_size must be greater than zero or UNKNOWN_CARDINALITY"),
    (lambda: Dataset.range(3).prefetch(-2),
     "buffer_size must be >= 0 or set buffer_size to be -1 for auto-tuning"),
    (lambda: Dataset.range(3).shard(0, 0),
     "Number of shards must be greater than zero (currently num_shards = 0)."),
    (lambda: Dataset.range(3).shard(2, 2), "Index must be between 0 and 1 (currently index = 2)."),
    (lambda: Dataset.range(3).shard(2, -1),
     "Index must be between 0 and 1 (currently index = -1)."),
    (lambda: Dataset.range(3).interleave(Dataset.from_tensors, cycle_length=0),
     "cycle_length must be greater than zero."),
    (lambda: Dataset.range(3).interleave(Dataset.from_tensors, cycle_length=-2),
     "cycle_length must be greater than zero."),
    (lambda: Dataset.range(3).interleave(Dataset.from_tensors, cycle_length=1,
                                         block_length=0),
     "block_length must be greater than zero."),
    (lambda: Dataset.range(0, 5, 0), "step must be a non-zero integer."),
    (lambda: Dataset.range(3).map(lambda x: x, num_parallel_calls=-3),
     "num_parallel_calls must be greater than zero."),
    (lambda: Dataset.range(3).map(lambda x: x, num_parallel_calls=0),
     "num_parallel_calls must be greater than zero."),
]


@pytest.mark.parametrize("build,message", _REFUSED_AT_RUN_TIME)
def test_bad_values_build_and_fail_when_read(build, message):
    with tf.Graph().as_default():
        ds = build()
        with pytest.raises(errors.InvalidArgumentError) as info:
            _read(ds)
        assert message in str(info.value)


def test_initializable_iterator_fails_on_its_initializer():
    with tf.Graph().as_default():
        size = tf.placeholder(tf.int64, [])
        it = Dataset.range(7).window(size).flat_map(lambda w: w.batch(3)) \
            .make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as s:
            with pytest.raises(errors.InvalidArgumentError, match="Window size must be"):
                s.run(it.initializer, {size: 0})
            s.run(it.initializer, {size: 3})
            assert s.run(nxt).tolist() == [0, 1, 2]


def test_values_tf_accepts():
    with tf.Graph().as_default():
        assert _read(Dataset.range(3).repeat(-2)) == [0, 1, 2] * 4
        assert _read(Dataset.range(3).repeat(0)) == []
        assert _read(Dataset.range(3).take(-2)) == [0, 1, 2]
        assert _read(Dataset.range(3).take(0)) == []
        assert _read(Dataset.range(3).skip(-2)) == []
        assert _read(Dataset.range(3).prefetch(-1)) == [0, 1, 2]
        assert _read(Dataset.range(3).prefetch(0)) == [0, 1, 2]
        assert _read(Dataset.range(3).map(lambda x: x, num_parallel_calls=-1)) == [0, 1, 2]
        # -2 (UNKNOWN_CARDINALITY) shuffles the whole input; the order is trainkit's own
        assert sorted(_read(Dataset.range(5).shuffle(-2, seed=1))) == [0, 1, 2, 3, 4]
        assert _read(Dataset.range(5).window(True).flat_map(_flat)) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("build,error", [
    (lambda: Dataset.range(5).batch(2.5), TypeError),
    (lambda: Dataset.range(5).batch("a"), TypeError),
    (lambda: Dataset.range(5).window(2.5), TypeError),
    (lambda: Dataset.range(5).window(None), ValueError),
    (lambda: Dataset.range(5).window(2, shift=2.5), TypeError),
    (lambda: Dataset.range(5).shuffle(2.5), TypeError),
    (lambda: Dataset.range(5).take(1.5), TypeError),
    (lambda: Dataset.range(5).prefetch(1.5), TypeError),
    (lambda: Dataset.range(5).shard(1.5, 0), TypeError),
    (lambda: Dataset.range(5).interleave(Dataset.from_tensors, cycle_length=1.5), TypeError),
    (lambda: Dataset.range(2.5), TypeError),
])
def test_types_are_refused_at_construction(build, error):
    with tf.Graph().as_default(), pytest.raises(error):
        build()
