"""``slim.data`` (also at ``slim.dataset``, ``slim.tfexample_decoder``, ...): TF 1.15's
``tf.contrib.slim`` data pipeline, as tf_slim 1.1.0 has it: a ``Dataset`` spec, the
``TFExampleDecoder`` and its item handlers, ``DatasetDataProvider`` over a parallel
queue reader, and ``prefetch_queue``. Re-exports its modules only."""

from __future__ import annotations

from trainkit.contrib.slim.data import (
    data_decoder,
    data_provider,
    dataset,
    dataset_data_provider,
    parallel_reader,
    prefetch_queue,
    tfexample_decoder,
)

__all__ = ["data_decoder", "data_provider", "dataset", "dataset_data_provider",
           "parallel_reader", "prefetch_queue", "tfexample_decoder"]
