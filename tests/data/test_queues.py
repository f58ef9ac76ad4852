"""TF1 queue semantics (tf.FIFOQueue / RandomShuffleQueue / PaddingFIFOQueue), checked
against TF1's documented behaviour: blocking across threads, OutOfRangeError when closed
and short, CancelledError on enqueue after close, DeadlineExceededError on timeout."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors


def test_fifo_order_sizes_and_many():
    q = tf.FIFOQueue(10, [tf.int32, tf.string], shapes=[[], []])
    enq = q.enqueue_many([[1, 2, 3, 4, 5], [b"a", b"b", b"c", b"d", b"e"]])
    one = q.dequeue()
    two = q.dequeue_many(2)
    upto = q.dequeue_up_to(10)
    assert two[0].shape.as_list() == [2] and upto[0].shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 5
        assert sess.run(one) == [1, b"a"]
        a, b = sess.run(two)
        np.testing.assert_array_equal(a, [2, 3])
        assert list(b) == [b"b", b"c"]
        sess.run(q.close())
        assert sess.run(q.is_closed())
        a, _ = sess.run(upto)  # closed: returns the 2 that are left
        np.testing.assert_array_equal(a, [4, 5])
        with pytest.raises(errors.OutOfRangeError, match="closed and has insufficient"):
            sess.run(upto)
        with pytest.raises(errors.CancelledError, match="closed"):
            sess.run(enq)


def test_dequeue_many_on_closed_short_queue_is_out_of_range_and_keeps_elements():
    q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1.0, 2.0]]))
        sess.run(q.close())
        with pytest.raises(errors.OutOfRangeError):
            sess.run(q.dequeue_many(3))
        assert sess.run(q.size()) == 2
        assert sess.run(q.dequeue()) == 1.0


def test_dequeue_blocks_until_another_thread_enqueues():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    x = tf.placeholder(tf.float32, [])
    enq = q.enqueue(x)
    deq = q.dequeue()
    got = []
    with tf.Session() as sess:
        t = threading.Thread(target=lambda: got.append(sess.run(deq)))
        t.start()
        time.sleep(0.1)
        assert not got  # still waiting
        sess.run(enq, {x: 7.0})
        t.join(10)
        assert got == [7.0]
        # enqueue blocks while full; a dequeue in another thread makes room
        sess.run(enq, {x: 1.0})
        sess.run(enq, {x: 2.0})
        done = threading.Event()
        t = threading.Thread(target=lambda: (sess.run(enq, {x: 3.0}), done.set()))
        t.start()
        time.sleep(0.1)
        assert not done.is_set()
        assert sess.run(deq) == 1.0
        t.join(10)
        assert done.is_set() and sess.run(q.size()) == 2


def test_close_cancels_pending_enqueues():
    q = tf.FIFOQueue(1, tf.float32, shapes=[[]])
    enq = q.enqueue(1.0)
    errs = []
    with tf.Session() as sess:
        sess.run(enq)

        def blocked():
            try:
                sess.run(enq)
            except errors.CancelledError as e:
                errs.append(e)
        t = threading.Thread(target=blocked)
        t.start()
        time.sleep(0.1)
        sess.run(q.close(cancel_pending_enqueues=True))
        t.join(10)
        assert len(errs) == 1
        assert sess.run(q.size()) == 1


def test_timeouts_run_options_and_config():
    q = tf.FIFOQueue(1, tf.float32, shapes=[[]])
    deq = q.dequeue()
    with tf.Session() as sess:
        with pytest.raises(errors.DeadlineExceededError, match="Timed out"):
            sess.run(deq, options=tf.RunOptions(timeout_in_ms=50))
    with tf.Session(config=tf.ConfigProto(operation_timeout_in_ms=50)) as sess:
        with pytest.raises(errors.DeadlineExceededError):
            sess.run(deq)


def test_session_close_cancels_a_blocked_dequeue():
    q = tf.FIFOQueue(1, tf.float32, shapes=[[]])
    deq = q.dequeue()
    errs = []
    sess = tf.Session()
    sess.run(q.size())  # the queue exists in this session

    def blocked():
        try:
            sess.run(deq)
        except errors.CancelledError as e:
            errs.append(e)
    t = threading.Thread(target=blocked)
    t.start()
    time.sleep(0.1)
    sess.close()
    t.join(10)
    assert len(errs) == 1


def test_random_shuffle_queue_seeded_and_min_after_dequeue():
    def draw():
        tf.reset_default_graph()
        q = tf.RandomShuffleQueue(10, 2, tf.int32, shapes=[[]], seed=7)
        enq = q.enqueue_many([np.arange(10, dtype=np.int32)])
        deq = q.dequeue_many(4)
        with tf.Session() as sess:
            sess.run(enq)
            first = sess.run(deq).tolist()
            sess.run(deq)
            # 2 left == min_after_dequeue: a dequeue must wait; the queue is not closed
            with pytest.raises(errors.DeadlineExceededError):
                sess.run(q.dequeue(), options=tf.RunOptions(timeout_in_ms=50))
            sess.run(q.close())
            rest = sess.run(q.dequeue_up_to(5)).tolist()  # closed: min_after ignored
            return first, rest
    a, b = draw(), draw()
    assert a == b
    assert len(a[1]) == 2 and len(set(a[0]) | set(a[1])) == 6


def test_random_shuffle_queue_is_a_permutation():
    q = tf.RandomShuffleQueue(20, 0, tf.int32, shapes=[[]], seed=1)
    with tf.Session() as sess:
        sess.run(q.enqueue_many([np.arange(20, dtype=np.int32)]))
        out = sess.run(q.dequeue_many(20))
    assert sorted(out.tolist()) == list(range(20)) and out.tolist() != list(range(20))


def test_padding_fifo_queue_pads_to_longest():
    q = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    x = tf.placeholder(tf.int32, [None])
    enq = q.enqueue([x])
    with tf.Session() as sess:
        sess.run(enq, {x: [1]})
        sess.run(enq, {x: [2, 3, 4]})
        np.testing.assert_array_equal(sess.run(q.dequeue_many(2)), [[1, 0, 0], [2, 3, 4]])


def test_names_dicts_and_graph_time_errors():
    q = tf.FIFOQueue(3, [tf.float32, tf.int32], shapes=[[], [2]], names=["x", "y"])
    assert q.names == ["x", "y"] and q.dtypes == [tf.float32, tf.int32]
    assert [s.as_list() for s in q.shapes] == [[], [2]]
    enq = q.enqueue({"x": 1.0, "y": [1, 2]})
    out = q.dequeue()
    assert set(out) == {"x", "y"}
    with tf.Session() as sess:
        sess.run(enq)
        r = sess.run(out)
    assert r["x"] == 1.0 and list(r["y"]) == [1, 2]
    with pytest.raises(ValueError, match="dict"):
        q.enqueue([1.0, [1, 2]])
    with pytest.raises(ValueError, match="do not match"):
        q.enqueue({"x": 1.0, "z": [1, 2]})
    q2 = tf.FIFOQueue(3, [tf.float32], shapes=[[2]])
    with pytest.raises(ValueError, match="not compatible"):
        q2.enqueue([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="same length"):
        tf.FIFOQueue(3, [tf.float32, tf.int32], shapes=[[2]])
    with pytest.raises(ValueError, match="larger than min_after_dequeue"):
        tf.RandomShuffleQueue(3, 3, tf.float32)
    with pytest.raises(ValueError, match="requires shapes"):
        tf.PaddingFIFOQueue(3, tf.float32, None)
    with pytest.raises(TypeError, match="capacity"):
        tf.FIFOQueue(2.5, tf.float32)


def test_queue_and_queue_op_names_follow_tf():
    """Names TF 2.21 (compat.v1) gives: the queue ops are named after the last part of
    the queue's name, in the current scope; a scope name (ending in "/") names the queue
    as it is; ``name=None`` names it after the op type."""
    with tf.name_scope("s") as scope:
        q = tf.FIFOQueue(3, [tf.float32], name="q")
        names = [q.name, q.enqueue([1.0]).name, q.enqueue_many([[1.0]]).name,
                 q.dequeue().op.name, q.dequeue_many(1).op.name, q.size().op.name,
                 q.close().name]
        q1 = tf.FIFOQueue(3, [tf.float32], name="q")
        names += [q1.name, q1.enqueue([1.0]).name]
        q2 = tf.FIFOQueue(3, [tf.float32], name=scope)
        names += [q2.name, q2.enqueue([1.0]).name, q2.size().op.name]
    q3 = tf.FIFOQueue(3, [tf.float32], name=None)
    names += [q3.name, q3.dequeue().op.name]
    assert names == ["s/q", "s/q_enqueue", "s/q_EnqueueMany", "s/q_Dequeue",
                     "s/q_DequeueMany", "s/q_Size", "s/q_Close", "s/q_1", "s/q_1_enqueue",
                     "s", "s/s_enqueue", "s/s_Size", "FIFOQueueV2", "FIFOQueueV2_Dequeue"]


def test_only_shuffling_queues_take_a_graph_op_seed():
    """Under a graph seed TF numbers the ops that take a seed; a FIFO queue takes none, so
    a later seeded op draws what it would without the queue (TF 2.21's numbers)."""
    values = []
    for make_queue in (lambda: None, lambda: tf.FIFOQueue(3, [tf.float32]),
                       lambda: tf.PaddingFIFOQueue(3, [tf.float32], shapes=[[None]]),
                       lambda: tf.RandomShuffleQueue(3, 1, [tf.float32])):
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            make_queue()
            draw = tf.random_normal([3])
            with tf.Session() as sess:
                values.append(sess.run(draw))
    np.testing.assert_array_equal(values[0], np.float32([0.12391895, 2.798774, -1.7961729]))
    np.testing.assert_array_equal(values[1], values[0])
    np.testing.assert_array_equal(values[2], values[0])
    np.testing.assert_array_equal(values[3], np.float32([0.6803454, 0.87778246, -0.64773595]))


def test_runtime_shape_mismatch_is_invalid_argument():
    q = tf.FIFOQueue(3, [tf.float32], shapes=[[2]])
    x = tf.placeholder(tf.float32, None)
    enq = q.enqueue([x])
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="Shape mismatch"):
            sess.run(enq, {x: [1.0, 2.0, 3.0]})


def test_dequeue_many_larger_than_capacity_collects_across_enqueues():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    x = tf.placeholder(tf.int32, [])
    enq = q.enqueue(x)
    got = []
    with tf.Session() as sess:
        t = threading.Thread(target=lambda: got.append(sess.run(q.dequeue_many(5))))
        t.start()
        for i in range(5):
            sess.run(enq, {x: i})
        t.join(10)
        assert got[0].tolist() == [0, 1, 2, 3, 4]


def test_shuffle_queue_order_does_not_depend_on_runner_speed():
    """Differs from TF (documented): while a runner feeds a RandomShuffleQueue, a pick
    waits for a full queue, so a slow and a fast producer give the same order."""
    import time as _time

    def run(delay):
        tf.reset_default_graph()
        counter = iter(range(100))

        def produce():
            _time.sleep(delay)
            return np.int32(next(counter))

        q = tf.RandomShuffleQueue(4, 1, tf.int32, shapes=[[]], seed=3)
        value = tf.reshape(tf.py_func(produce, [], tf.int32), [])
        tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(value)]))
        out = q.dequeue_many(8)
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = sess.run(out).tolist()
            coord.request_stop()
            sess.run(q.close(cancel_pending_enqueues=True))
            coord.join(threads)
        return got

    assert run(0.0) == run(0.01)


def test_timed_out_dequeue_many_takes_nothing():
    for q in (tf.FIFOQueue(5, tf.int32, shapes=[[]]),
              tf.RandomShuffleQueue(5, 0, tf.int32, shapes=[[]], seed=1)):
        with tf.Session() as sess:
            sess.run(q.enqueue_many([[1, 2]]))
            with pytest.raises(errors.DeadlineExceededError):
                sess.run(q.dequeue_many(3), options=tf.RunOptions(timeout_in_ms=50))
            assert sess.run(q.size()) == 2
