"""Queue-based input pipelines (TF1 tf.train.*_input_producer, batch, shuffle_batch,
QueueRunner, Coordinator), checked against TF1's documented semantics: an epoch limit
ends with OutOfRangeError after exactly num_epochs * N elements; a seeded shuffle_batch
with one thread is reproducible; runner errors reach coord.join()."""

from __future__ import annotations

import time

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors


def _drain(fetch, sess):
    out = []
    try:
        while True:
            out.append(sess.run(fetch))
    except errors.OutOfRangeError:
        return out


def _session_with_runners(fn):
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            return fn(sess)
        finally:
            coord.request_stop()
            coord.join(threads)


def test_string_input_producer_epochs_exact_then_out_of_range():
    q = tf.train.string_input_producer(["a", "b", "c"], num_epochs=2, shuffle=False)
    name = q.dequeue()
    got = _session_with_runners(lambda s: _drain(name, s))
    assert got == [b"a", b"b", b"c"] * 2
    assert any("epochs" in v.op.name for v in tf.local_variables())


def test_range_and_slice_producers_shuffle_each_epoch():
    tf.set_random_seed(0)
    i = tf.train.range_input_producer(5, num_epochs=3, shuffle=True, seed=4).dequeue()
    got = _session_with_runners(lambda s: _drain(i, s))
    assert len(got) == 15
    for e in range(3):
        assert sorted(got[5 * e:5 * e + 5]) == [0, 1, 2, 3, 4]
    assert got[:5] != got[5:10] or got[5:10] != got[10:]
    tf.reset_default_graph()
    x, y = tf.train.slice_input_producer([np.arange(4.0), np.arange(4) * 10],
                                         num_epochs=1, shuffle=False)
    pairs = _session_with_runners(lambda s: _drain([x, y], s))
    assert [(float(a), int(b)) for a, b in pairs] == [(0, 0), (1, 10), (2, 20), (3, 30)]


def test_producer_errors():
    with pytest.raises(ValueError, match="non-null"):
        tf.train.string_input_producer([])
    with pytest.raises(ValueError, match="num_epochs must be > 0"):
        tf.train.string_input_producer(["a"], num_epochs=0)
    with pytest.raises(ValueError, match="at least one tensor"):
        tf.train.slice_input_producer([])
    with pytest.raises(ValueError, match="fully defined"):
        tf.train.input_producer(tf.placeholder(tf.float32, [None, None]))
    with pytest.raises(ValueError, match="fully defined"):
        tf.train.batch([tf.placeholder(tf.float32, [None])], 2)
    with pytest.raises(ValueError, match="positive"):
        tf.train.batch([tf.constant(1.0)], 0)


def test_producers_name_ops_after_their_scope_and_add_fill_summaries():
    """As TF 2.21 (compat.v1): one ``input_producer`` scope per producer, the queue named
    after it, and a ``fraction_of_<capacity>_full`` scalar in ``SUMMARIES`` (which
    ``merge_all`` then writes); a plain ``input_producer`` adds its ``summary_name``."""
    q = tf.train.string_input_producer(["a", "b"])
    r = tf.train.range_input_producer(5, num_epochs=2)
    tf.train.slice_input_producer([tf.constant([1, 2, 3])], capacity=8)
    p = tf.train.input_producer(tf.constant([[1.0], [2.0]]), summary_name="frac")
    graph = tf.get_default_graph()
    shuffles = [op.name for op in graph.get_operations() if op.type == "RandomShuffle"]
    assert shuffles == ["input_producer/RandomShuffle", "input_producer_1/RandomShuffle",
                        "input_producer_2/input_producer/RandomShuffle",
                        "input_producer_3/RandomShuffle"]
    assert [q.name, r.name, p.name] == ["input_producer", "input_producer_1",
                                        "input_producer_3/FIFOQueueV2"]
    assert graph.get_operation_by_name("input_producer/input_producer_EnqueueMany")
    summaries = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert summaries == ["input_producer/fraction_of_32_full",
                         "input_producer_1/fraction_of_32_full",
                         "input_producer_2/input_producer/fraction_of_8_full",
                         "input_producer_3/frac"]
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        deadline = time.time() + 5.0
        while sess.run(q.size()) < 32 and time.time() < deadline:
            time.sleep(0.01)
        summary = tf.Summary.FromString(sess.run(merged))
        coord.request_stop()
        coord.join(threads)
    by_tag = {v.tag: v.simple_value for v in summary.value}
    assert by_tag["input_producer/fraction_of_32_full"] == 1.0


def test_batching_adds_tfs_queue_fill_summaries():
    """TF 2.21's tags and values: ``batch``/``batch_join`` report the fill of the
    capacity, ``shuffle_batch`` the fill above ``min_after_dequeue``."""
    def once():  # four elements, then the runner closes the queue
        return tf.train.limit_epochs(tf.constant([1.0, 2.0, 3.0, 4.0]), 1)

    tf.train.batch([once()], 2, capacity=10, enqueue_many=True)
    tf.train.shuffle_batch([once()], 2, capacity=10, min_after_dequeue=3, enqueue_many=True,
                           seed=1)
    tf.train.batch_join([[once()]], 2, capacity=6, enqueue_many=True)
    tags = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert tags == ["batch/fraction_of_10_full", "shuffle_batch/fraction_over_3_of_7_full",
                    "batch_join/fraction_of_6_full"]
    merged = tf.summary.merge_all()
    sizes = [op.outputs[0] for op in tf.get_default_graph().get_operations()
             if op.type == "QueueSizeV2"]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        deadline = time.time() + 5.0
        while sess.run(sizes) != [4, 4, 4] and time.time() < deadline:
            time.sleep(0.01)
        summary = tf.Summary.FromString(sess.run(merged))
        coord.request_stop()
        coord.join(threads)
    # 4 elements held: 4/10, (4 - 3)/7 and 4/6
    assert {v.tag: v.simple_value for v in summary.value} == pytest.approx(
        {"batch/fraction_of_10_full": 0.4, "shuffle_batch/fraction_over_3_of_7_full": 1 / 7,
         "batch_join/fraction_of_6_full": 4 / 6})


def test_epoch_counter_needs_local_init():
    name = tf.train.string_input_producer(["a"], num_epochs=1).dequeue()
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(errors.FailedPreconditionError, match="epochs"):
            coord.join(threads, stop_grace_period_secs=5)  # the runner's error re-raised
        with pytest.raises(errors.OutOfRangeError):
            sess.run(name, options=tf.RunOptions(timeout_in_ms=2000))


def test_batch_structures_and_final_smaller_batch():
    x, = tf.train.slice_input_producer([np.arange(7, dtype=np.int32)], num_epochs=1,
                                       shuffle=False)
    b = tf.train.batch([x], 3, allow_smaller_final_batch=True)
    assert isinstance(b, tf.Tensor) and b.shape.as_list() == [None]
    got = _session_with_runners(lambda s: _drain(b, s))
    assert [g.tolist() for g in got] == [[0, 1, 2], [3, 4, 5], [6]]
    tf.reset_default_graph()
    x, = tf.train.slice_input_producer([np.arange(7, dtype=np.int32)], num_epochs=1,
                                       shuffle=False)
    d = tf.train.batch({"v": x, "w": x * 2}, 3)
    assert set(d) == {"v", "w"} and d["v"].shape.as_list() == [3]
    got = _session_with_runners(lambda s: _drain(d, s))
    assert [g["w"].tolist() for g in got] == [[0, 2, 4], [6, 8, 10]]  # 7th dropped


def test_batch_enqueue_many_and_dynamic_pad():
    rows = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    b = tf.train.batch([rows], 2, enqueue_many=True, capacity=10)
    got = _session_with_runners(lambda s: [s.run(b) for _ in range(3)])
    np.testing.assert_array_equal(got[0], [[0, 1], [2, 3]])
    np.testing.assert_array_equal(got[1], [[4, 5], [0, 1]])
    tf.reset_default_graph()
    n = tf.train.range_input_producer(3, shuffle=False).dequeue() + 1
    seq = tf.range(n)
    p = tf.train.batch([seq], 3, dynamic_pad=True)
    got = _session_with_runners(lambda s: s.run(p))
    np.testing.assert_array_equal(got, [[0, 0, 0], [0, 1, 0], [0, 1, 2]])


def test_shuffle_batch_seeded_is_reproducible_and_exhaustive():
    def run():
        tf.reset_default_graph()
        x, = tf.train.slice_input_producer([np.arange(12, dtype=np.int32)], num_epochs=2,
                                           shuffle=True, seed=1)
        b = tf.train.shuffle_batch([x], 5, capacity=8, min_after_dequeue=3, seed=2,
                                   allow_smaller_final_batch=True)
        return [g.tolist() for g in _session_with_runners(lambda s: _drain(b, s))]
    a, b = run(), run()
    assert a == b
    flat = sorted(v for g in a for v in g)
    assert flat == sorted(list(range(12)) * 2) and [len(g) for g in a] == [5] * 4 + [4]


def test_batch_join_and_shuffle_batch_join_and_maybe_batch():
    a = tf.train.range_input_producer(3, num_epochs=1, shuffle=False).dequeue()
    c = tf.train.range_input_producer(3, num_epochs=1, shuffle=False).dequeue() + 100
    j = tf.train.batch_join([[a], [c]], 2, allow_smaller_final_batch=True)
    got = _session_with_runners(lambda s: _drain(j, s))
    assert sorted(v for g in got for v in g.tolist()) == [0, 1, 2, 100, 101, 102]
    tf.reset_default_graph()
    a = tf.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue()
    sj = tf.train.shuffle_batch_join([[a], [a + 10]], 2, capacity=6, min_after_dequeue=1,
                                     seed=3, allow_smaller_final_batch=True)
    got = _session_with_runners(lambda s: _drain(sj, s))
    assert len(sorted(v for g in got for v in g.tolist())) == 4  # both lists share `a`
    tf.reset_default_graph()
    a = tf.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue()
    mb = tf.train.maybe_batch([a], tf.equal(a % 2, 0), 3, allow_smaller_final_batch=True)
    got = _session_with_runners(lambda s: _drain(mb, s))
    assert [g.tolist() for g in got] == [[0, 2, 4]]


def test_runner_exception_reaches_coordinator_join():
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    def boom():
        raise ValueError("boom")

    bad = tf.py_func(boom, [], tf.float32)
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(tf.reshape(bad, []))]))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(Exception, match="boom"):
            coord.join(threads, stop_grace_period_secs=5)


def test_start_queue_runners_errors_and_no_duplicate_threads():
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    qr = tf.train.QueueRunner(q, [q.enqueue(1.0)])
    tf.train.add_queue_runner(qr)
    assert tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS) == [qr]
    with pytest.raises(ValueError, match="No default session"):
        tf.train.start_queue_runners()
    with pytest.raises(TypeError, match="tf.Session"):
        tf.train.start_queue_runners(object())
    with pytest.raises(ValueError, match="enqueue op"):
        tf.train.QueueRunner(q, [])
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert len(threads) == 2  # one enqueue thread + the closer
        assert qr.create_threads(sess, coord) == []
        assert sess.run(q.dequeue_many(4)).tolist() == [1.0] * 4
        coord.request_stop()
        coord.join(threads)


def test_monitored_session_starts_queue_runners_and_ends_cleanly():
    x, = tf.train.slice_input_producer([np.arange(6, dtype=np.int32)], num_epochs=1,
                                       shuffle=False)
    b = tf.train.batch([x], 2)
    got = []
    with tf.train.MonitoredSession() as sess:
        assert tf.train.start_queue_runners(sess) == []  # TF1: already started
        while not sess.should_stop():
            got.append(sess.run(b).tolist())
    assert got == [[0, 1], [2, 3], [4, 5]]


def test_batch_of_sparse_tensors_from_varlen_features():
    """TF1 batches a SparseTensor into one SparseTensor with a leading batch dimension."""
    recs = [tf.train.Example(features=tf.train.Features(feature={
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "tags": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i))))}))
        .SerializeToString() for i in range(5)]
    rec = tf.train.input_producer(tf.constant(recs), shuffle=False, num_epochs=1).dequeue()
    f = tf.parse_single_example(rec, {"label": tf.FixedLenFeature([], tf.int64),
                                      "tags": tf.VarLenFeature(tf.int64)})
    labels, tags = tf.train.batch([f["label"], f["tags"]], 3,
                                  allow_smaller_final_batch=True)
    assert isinstance(tags, tf.SparseTensor) and tags.indices.shape.as_list() == [None, 2]
    got = _session_with_runners(lambda s: _drain([labels, tags], s))
    assert got[0][0].tolist() == [0, 1, 2]
    np.testing.assert_array_equal(got[0][1].indices, [[1, 0], [2, 0], [2, 1]])
    np.testing.assert_array_equal(got[0][1].values, [0, 0, 1])
    np.testing.assert_array_equal(got[0][1].dense_shape, [3, 2])
    np.testing.assert_array_equal(got[1][1].dense_shape, [2, 4])
    with pytest.raises(ValueError, match="enqueue_many"):
        tf.train.batch([f["tags"]], 2, enqueue_many=True)


def test_strings_with_nul_bytes_pass_through_queues_intact():
    q = tf.FIFOQueue(4, tf.string, shapes=[[]])
    data = [b"a\x00", b"\x00\x00", b"b\x00c\x00"]
    with tf.Session() as sess:
        sess.run(q.enqueue_many([data]))
        sess.run(q.enqueue(b"z\x00"))
        assert list(sess.run(q.dequeue_many(4))) == data + [b"z\x00"]
