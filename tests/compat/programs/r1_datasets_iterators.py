"""TensorFlow's TF1 guide "Importing Data" (tensorflow/docs, ``site/en/r1/guide/
datasets.md``), its "Basic mechanics" in the order the page runs them: the
``output_types`` / ``output_shapes`` of sliced, zipped and dict-structured datasets;
``map`` / ``flat_map`` / ``filter`` over those structures; a one-shot iterator over
``Dataset.range(100)``; an initializable one whose ``range`` bound is a placeholder fed
10 then 100; a reinitializable iterator (``Iterator.from_structure`` +
``make_initializer``) alternating a randomly shifted training range and a validation
range; a feedable one (``from_string_handle``) switching between a repeated one-shot and
an initializable iterator; ``tf.add(next_element, next_element)`` run to
``OutOfRangeError``; nested ``get_next()`` of a zipped dataset; "Saving iterator
state" with ``make_saveable_from_iterator`` in ``SAVEABLE_OBJECTS``; and "Consuming
NumPy arrays" through placeholders fed at ``iterator.initializer``.

Adapted: the page's ``lambda x: ...`` bodies are filled in (``x * 2``, a two-element
``from_tensors``, a ``reduce_sum > 0`` filter) and Python 2's ``lambda x, (y, z)``
unpacking becomes ``lambda x, yz``; the training/validation loops run 2 epochs and 2
alternations instead of 20 and forever; the mapped datasets are read by initializable
iterators (TF refuses a one-shot iterator over a dataset that captures a random tensor);
the random draws are reported by what they promise (ranges, shapes), not by value; the
NumPy arrays come from the bundled digits; ``tf.contrib.data`` is
``tf.data.experimental`` (TF 2.x has no contrib), the saved iterator is over
``range(5)``, ``saver.save`` is given the session its signature needs, and the
restoring session runs the initializer first (TF refuses to restore an uninitialized
iterator)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import load_digits

COMPARE = {"structure": 0.0, "map_structure": 0.0, "one_shot": 0.0, "initializable": 0.0,
           "reinitializable": 0.0, "feedable": 0.0, "consumed": 0.0, "nested": 0.0,
           "saved_iterator": 0.0, "numpy": 1e-6}


def _names(structure):
    """Types and shapes as plain lists (TF's nest order: dict keys sorted)."""
    if isinstance(structure, dict):
        return [[k, _names(structure[k])] for k in sorted(structure)]
    if isinstance(structure, (tuple, list)):
        return [_names(s) for s in structure]
    if hasattr(structure, "as_list"):
        return structure.as_list()
    return structure.name


def _drain_ints(tf, sess, element):
    values = []
    while True:
        try:
            values.append(int(sess.run(element)))
        except tf.errors.OutOfRangeError:
            return values


def main(tf):
    out = {}
    sess = tf.Session()
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random_uniform([4, 10]))
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random_uniform([4]),
         tf.random_uniform([4, 100], maxval=100, dtype=tf.int32)))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    dataset = tf.data.Dataset.from_tensor_slices(
        {"a": tf.random_uniform([4]),
         "b": tf.random_uniform([4, 100], maxval=100, dtype=tf.int32)})
    out["structure"] = [[_names(d.output_types), _names(d.output_shapes)]
                        for d in (dataset1, dataset2, dataset3, dataset)]

    dataset1 = dataset1.map(lambda x: x * 2)
    dataset2 = dataset2.flat_map(lambda x, y: tf.data.Dataset.from_tensors((x, y)).repeat(2))
    dataset3 = dataset3.filter(lambda x, yz: tf.reduce_sum(yz[1]) > 0)
    counts = []
    for d in (dataset1, dataset2, dataset3):
        it = d.make_initializable_iterator()
        nxt = it.get_next()
        sess.run(it.initializer)
        n = 0
        while True:
            try:
                sess.run(nxt)
                n += 1
            except tf.errors.OutOfRangeError:
                break
        counts.append(n)
    out["map_structure"] = [counts, _names(dataset2.output_shapes),
                            _names(dataset3.output_types)]

    dataset = tf.data.Dataset.range(100)
    iterator = dataset.make_one_shot_iterator()
    next_element = iterator.get_next()
    for i in range(100):
        value = sess.run(next_element)
        assert i == value
    out["one_shot"] = [int(value), next_element.dtype.name, next_element.shape.as_list()]

    max_value = tf.placeholder(tf.int64, shape=[])
    dataset = tf.data.Dataset.range(max_value)
    iterator = dataset.make_initializable_iterator()
    next_element = iterator.get_next()
    sess.run(iterator.initializer, feed_dict={max_value: 10})
    for i in range(10):
        value = sess.run(next_element)
        assert i == value
    sess.run(iterator.initializer, feed_dict={max_value: 100})
    for i in range(100):
        value = sess.run(next_element)
        assert i == value
    out["initializable"] = [int(value)]

    training_dataset = tf.data.Dataset.range(100).map(
        lambda x: x + tf.random_uniform([], -10, 10, tf.int64))
    validation_dataset = tf.data.Dataset.range(50)
    iterator = tf.data.Iterator.from_structure(training_dataset.output_types,
                                               training_dataset.output_shapes)
    next_element = iterator.get_next()
    training_init_op = iterator.make_initializer(training_dataset)
    validation_init_op = iterator.make_initializer(validation_dataset)
    shifts, validation = [], []
    for _ in range(2):
        sess.run(training_init_op)
        for i in range(100):
            shifts.append(int(sess.run(next_element)) - i)
        sess.run(validation_init_op)
        for _ in range(50):
            validation.append(int(sess.run(next_element)))
    out["reinitializable"] = [min(shifts) >= -10, max(shifts) < 10, len(set(shifts)) > 5,
                              validation == list(range(50)) * 2]

    training_dataset = tf.data.Dataset.range(100).map(
        lambda x: x + tf.random_uniform([], -10, 10, tf.int64)).repeat()
    validation_dataset = tf.data.Dataset.range(50)
    handle = tf.placeholder(tf.string, shape=[])
    iterator = tf.data.Iterator.from_string_handle(
        handle, training_dataset.output_types, training_dataset.output_shapes)
    next_element = iterator.get_next()
    training_iterator = training_dataset.make_one_shot_iterator()
    validation_iterator = validation_dataset.make_initializable_iterator()
    training_handle = sess.run(training_iterator.string_handle())
    validation_handle = sess.run(validation_iterator.string_handle())
    shifts, validation = [], []
    for _ in range(2):
        for i in range(200):
            shifts.append(int(sess.run(next_element, feed_dict={handle: training_handle}))
                          - i % 100)
        sess.run(validation_iterator.initializer)
        for _ in range(50):
            validation.append(int(sess.run(next_element,
                                           feed_dict={handle: validation_handle})))
    out["feedable"] = [min(shifts) >= -10, max(shifts) < 10, validation == list(range(50)) * 2,
                       type(training_handle).__name__]

    dataset = tf.data.Dataset.range(5)
    iterator = dataset.make_initializable_iterator()
    next_element = iterator.get_next()
    result = tf.add(next_element, next_element)
    sess.run(iterator.initializer)
    consumed = [int(sess.run(result)) for _ in range(5)]
    try:
        sess.run(result)
    except tf.errors.OutOfRangeError:
        consumed.append("End of dataset")
    sess.run(iterator.initializer)
    n = 0
    while True:
        try:
            sess.run(result)
            n += 1
        except tf.errors.OutOfRangeError:
            break
    out["consumed"] = consumed + [n]

    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random_uniform([4, 10]))
    dataset2 = tf.data.Dataset.from_tensor_slices((tf.random_uniform([4]),
                                                   tf.random_uniform([4, 100])))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    iterator = dataset3.make_initializable_iterator()
    sess.run(iterator.initializer)
    next1, (next2, next3) = iterator.get_next()
    a, b, c = sess.run([next1, next2, next3])
    out["nested"] = [list(a.shape), list(np.shape(b)), list(c.shape),
                     next1.op is next3.op]

    dataset = tf.data.Dataset.range(5)
    iterator = dataset.make_initializable_iterator()
    next_element = iterator.get_next()
    path_to_checkpoint = os.path.join(tempfile.mkdtemp(), "iterator.ckpt")
    should_checkpoint = True
    # Create saveable object from iterator.
    saveable = tf.data.experimental.make_saveable_from_iterator(iterator)
    # Save the iterator state by adding it to the saveable objects collection.
    tf.add_to_collection(tf.GraphKeys.SAVEABLE_OBJECTS, saveable)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(iterator.initializer)
        before = [int(sess.run(next_element)) for _ in range(2)]
        if should_checkpoint:
            saver.save(sess, path_to_checkpoint)
        before.append(int(sess.run(next_element)))
    # Restore the iterator state.
    with tf.Session() as sess:
        sess.run(iterator.initializer)
        saver.restore(sess, path_to_checkpoint)
        after = _drain_ints(tf, sess, next_element)
    out["saved_iterator"] = [before, after]
    sess = tf.Session()  # the page's interactive session, closed by the blocks above

    digits = load_digits()
    features = np.float32(digits.data[:300])
    labels = np.int64(digits.target[:300])
    assert features.shape[0] == labels.shape[0]
    features_placeholder = tf.placeholder(features.dtype, features.shape)
    labels_placeholder = tf.placeholder(labels.dtype, labels.shape)
    dataset = tf.data.Dataset.from_tensor_slices((features_placeholder, labels_placeholder))
    dataset = dataset.batch(64)
    iterator = dataset.make_initializable_iterator()
    sess.run(iterator.initializer, feed_dict={features_placeholder: features,
                                              labels_placeholder: labels})
    x, y = iterator.get_next()
    total, batches = 0.0, []
    while True:
        try:
            xv, yv = sess.run((x, y))
        except tf.errors.OutOfRangeError:
            break
        total += float(np.sum(xv * yv[:, None]))
        batches.append(len(yv))
    out["numpy"] = total
    out["nested"].append(batches)
    return out
