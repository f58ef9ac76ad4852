"""tf.contrib.data transformations against TF 2.21's recorded outputs, plus typed errors."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import trainkit as tf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import contrib_data_cases as cases  # noqa: E402

REFERENCE = json.loads((HERE / "contrib_data_reference.json").read_text())
D = tf.data.Dataset
C = tf.contrib.data


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_matches_tf(name):
    makers = cases.cases(tf, C)
    ds = makers[name]() if name in makers else cases.sliding(tf, C, "tk")[name]
    assert cases.normalise(name, cases.run(tf, ds)) == REFERENCE[name]


def values(ds):
    return cases.run(tf, ds)


def test_output_shapes_and_repeat_restarts_buffers():
    ds = D.from_tensor_slices(np.zeros((3, 4, 2), np.float32)).apply(C.unbatch())
    assert ds.output_shapes.as_list() == [2]
    slid = D.range(5).apply(C.sliding_window_batch(2))
    assert slid.output_shapes.as_list() == [None]
    grouped = D.range(5).apply(C.group_by_window(lambda x: x % 2, lambda k, d: d.batch(2),
                                                 window_size=2)).repeat(2)
    assert values(grouped) == [[0, 2], [1, 3], [4]] * 2
    assert values(D.range(4).apply(C.scan(np.int64(0), lambda s, x: (s + x, s))).repeat(2)) \
        == [0, 0, 1, 3] * 2
    assert values(D.range(7).apply(C.sliding_window_batch(3, stride=3)).repeat(2)) \
        == [[0, 1, 2], [3, 4, 5]] * 2
    assert values(C.Counter(dtype=tf.int32).take(3)) == [0, 1, 2]


def test_apply_requires_a_dataset():
    with pytest.raises(TypeError, match="must return a Dataset"):
        D.range(3).apply(lambda ds: 3)


def test_argument_errors():
    with pytest.raises(ValueError, match="Cannot specify both `stride` and `window_shift`"):
        C.sliding_window_batch(2, stride=1, window_shift=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Window size must be greater"):
        D.range(3).apply(C.sliding_window_batch(0))
    with pytest.raises(ValueError, match="mutually exclusive"):
        C.map_and_batch(lambda x: x, 2, num_parallel_batches=1, num_parallel_calls=1)
    with pytest.raises(ValueError, match="Either the `window_size`"):
        D.range(3).apply(C.group_by_window(lambda x: x, lambda k, d: d))
    with pytest.raises(ValueError, match="Either the `window_size`"):
        D.range(3).apply(C.group_by_window(lambda x: x, lambda k, d: d, 2, lambda k: k))
    with pytest.raises(ValueError, match="`key_func` must return a single tf.int64"):
        D.range(3).apply(C.group_by_window(lambda x: tf.cast(x, tf.float32),
                                           lambda k, d: d, 2))
    with pytest.raises(TypeError, match="`reduce_func` must return a `Dataset`"):
        D.range(3).apply(C.group_by_window(lambda x: x, lambda k, d: 1, 2))
    with pytest.raises(ValueError, match=r"len\(bucket_batch_sizes\)"):
        D.range(3).apply(C.bucket_by_sequence_length(lambda x: x, [2], [1]))
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components"):
        D.range(3).apply(C.unbatch())
    with pytest.raises(TypeError, match="element types for the new state"):
        D.range(3).apply(C.scan(np.float32(0), lambda s, x: (x, x)))
    with pytest.raises(TypeError, match="structure of the initial state"):
        D.range(3).apply(C.scan(np.int64(0), lambda s, x: ((s, s), x)))
    with pytest.raises(TypeError, match="pair"):
        D.range(3).apply(C.scan(np.int64(0), lambda s, x: s))


def test_run_time_errors():
    ragged = D.from_tensors((np.zeros((2, 1)), np.zeros((3, 1)))).apply(C.unbatch())
    with pytest.raises(tf.errors.InvalidArgumentError, match="same batch size"):
        values(ragged)
    bad_size = D.range(3).apply(C.group_by_window(lambda x: x, lambda k, d: d.batch(1),
                                                  window_size_func=lambda k: k - 5))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Window size must be greater"):
        values(bad_size)
    long = cases.seqs(tf).apply(C.bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3], [1, 1], pad_to_bucket_boundary=True))
    with pytest.raises(tf.errors.InvalidArgumentError, match="pad_to_bucket_boundary"):
        values(long)


def test_bucket_no_padding_keeps_equal_lengths():
    ds = D.from_tensor_slices(np.arange(12).reshape(6, 2)).apply(C.bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3], [2, 4], no_padding=True))
    assert values(ds) == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]
