"""``slim.dataset.Dataset``: a dataset's files, reader class, decoder and size.

Example:
    >>> ds = Dataset(data_sources=["train.tfrecord"], reader=tf.TFRecordReader,
    ...              decoder=decoder, num_samples=100, items_to_descriptions={},
    ...              num_classes=10)
    >>> ds.num_classes
    10
"""

from __future__ import annotations

from typing import Any


class Dataset:
    """A dataset specification: every argument (extra keywords included) becomes an
    attribute.

    Args:
        data_sources: files (or glob patterns) of the data.
        reader: the reader class (``tf.TFRecordReader``, ...).
        decoder: a ``DataDecoder`` (``tfexample_decoder.TFExampleDecoder``).
        num_samples: the number of samples.
        items_to_descriptions: item name -> description.
        **kwargs: dataset-specific fields (``num_classes``, ``labels_to_names``, ...).
    """

    def __init__(self, data_sources: Any, reader: Any, decoder: Any, num_samples: int,
                 items_to_descriptions: dict, **kwargs: Any):
        kwargs.update(data_sources=data_sources, reader=reader, decoder=decoder,
                      num_samples=num_samples, items_to_descriptions=items_to_descriptions)
        self.__dict__.update(kwargs)


__all__ = ["Dataset"]
