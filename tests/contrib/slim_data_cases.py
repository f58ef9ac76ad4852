"""slim's data pipeline, run both by TF 2.21 + ``tf_slim`` 1.1.0 (``make_slim_reference.py
slim_data`` records ``slim_data_reference.json``) and by trainkit
(``test_slim_data.py``): TFRecord files of ``tf.train.Example`` written by each backend,
decoded with ``TFExampleDecoder`` and its item handlers, read through
``DatasetDataProvider`` / ``parallel_read`` / ``prefetch_queue`` in a single, ordered
pass (one reader, no shuffling), and ``slim.summaries``' names."""

from __future__ import annotations

import os
import tempfile

import numpy as np

IMAGES = np.arange(6 * 16, dtype=np.uint8).reshape(6, 4, 4, 1) * 2


def _example(tf, i, png):
    feat = tf.train.Feature
    image = IMAGES[i]
    n = i % 3  # 0, 1 or 2 boxes
    boxes = np.arange(4 * n, dtype=np.float32).reshape(4, n) / 10 + i
    features = {
        "image/encoded": feat(bytes_list=tf.train.BytesList(
            value=[png[i] if i % 2 else image.tobytes()])),
        "image/format": feat(bytes_list=tf.train.BytesList(
            value=[b"png" if i % 2 else b"raw"])),
        "image/class/label": feat(int64_list=tf.train.Int64List(value=[i * 3 % 5])),
        "dims": feat(int64_list=tf.train.Int64List(value=[2, 3])),
        "vals": feat(float_list=tf.train.FloatList(
            value=(np.arange(6, dtype=np.float32) * (i + 1)).tolist())),
    }
    for side, row in zip(("ymin", "xmin", "ymax", "xmax"), boxes, strict=True):
        features["bbox/" + side] = feat(float_list=tf.train.FloatList(value=row.tolist()))
    return tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString()


def _write(tf, path):
    with tf.Graph().as_default():
        encoded = [tf.image.encode_png(tf.constant(im)) for im in IMAGES]
        with tf.Session() as sess:
            png = sess.run(encoded)
    with tf.python_io.TFRecordWriter(path) as w:
        for i in range(len(IMAGES)):
            w.write(_example(tf, i, png))


def _decoder(tf, slim):
    td = slim.tfexample_decoder
    keys_to_features = {
        "image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
        "image/format": tf.FixedLenFeature((), tf.string, default_value="png"),
        "image/class/label": tf.FixedLenFeature([], tf.int64),
        "dims": tf.FixedLenFeature([2], tf.int64),
        "vals": tf.VarLenFeature(tf.float32),
        **{"bbox/" + s: tf.VarLenFeature(tf.float32) for s in ("ymin", "xmin", "ymax", "xmax")},
    }
    items_to_handlers = {
        "image": td.Image(shape=[4, 4, 1], channels=1),
        "label": td.Tensor("image/class/label"),
        "boxes": td.BoundingBox(prefix="bbox/"),
        "matrix": td.Tensor("vals", shape_keys="dims"),
        "flat": td.Tensor("vals", shape=[3, 2]),
        "scaled": td.ItemHandlerCallback(["image/class/label"],
                                         lambda d: d["image/class/label"] * 10),
        "first_box": td.BackupHandler(td.Tensor("bbox/ymin"), td.Tensor("vals")),
    }
    return td.TFExampleDecoder(keys_to_features, items_to_handlers)


def _fetch_all(tf, slim, tensors, n):
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        with slim.queues.QueueRunners(sess):
            return [sess.run(tensors) for _ in range(n)]


def _lists(rows):
    return [[np.asarray(v).tolist() if not isinstance(v, bytes) else v.decode() for v in r]
            for r in rows]


def case_dataset_data_provider(tf, slim):
    tf.reset_default_graph()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "data.tfrecord")
        _write(tf, path)
        decoder = _decoder(tf, slim)
        dataset = slim.dataset.Dataset(data_sources=[os.path.join(d, "*.tfrecord")],
                                       reader=tf.TFRecordReader, decoder=decoder,
                                       num_samples=6, items_to_descriptions={},
                                       num_classes=5)
        provider = slim.dataset_data_provider.DatasetDataProvider(
            dataset, num_readers=1, shuffle=False, num_epochs=1, common_queue_capacity=8,
            common_queue_min=2)
        names = ["image", "label", "boxes", "matrix", "flat", "scaled", "first_box"]
        tensors = provider.get(names)
        shapes = [t.shape.as_list() if t.shape.ndims is not None else None for t in tensors]
        rows = _fetch_all(tf, slim, tensors, 6)
        key = provider.get(["record_key"])[0]
        return {"rows": _lists(rows), "shapes": shapes, "num_classes": dataset.num_classes,
                "num_samples": provider.num_samples(), "key_dtype": key.dtype.name,
                "items": sorted(provider.list_items()),
                "decoder_items": decoder.list_items()}


def case_prefetch_and_summaries(tf, slim):
    tf.reset_default_graph()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "data.tfrecord")
        _write(tf, path)
        _, value = slim.parallel_reader.single_pass_read(path, reader_class=tf.TFRecordReader)
        image, label = _decoder(tf, slim).decode(value, ["image", "label"])
        queue = slim.prefetch_queue.prefetch_queue({"image": image, "label": label},
                                                   capacity=3)
        out = queue.dequeue()
        summaries = [
            slim.summaries.add_scalar_summary(tf.cast(label, tf.float32), prefix="p"),
            slim.summaries.add_zero_fraction_summary(tf.cast(image, tf.float32), name="img"),
            slim.summaries.add_histogram_summary(label, name="lab", prefix="h"),
        ]
        rows = _fetch_all(tf, slim, [out["image"], out["label"]], 6)
        return {"rows": _lists(rows), "queue_names": queue.names,
                "summary_ops": [s.op.name for s in summaries],
                "collection": sorted(s.op.name for s in tf.get_collection(
                    tf.GraphKeys.SUMMARIES))}


CASES = [case_dataset_data_provider, case_prefetch_and_summaries]
