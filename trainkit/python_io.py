"""``trainkit.python_io`` (``tf.python_io``): TFRecord files from Python. Re-exports."""

from __future__ import annotations

from trainkit.data.tfrecord import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)
