"""``slim.dataset_data_provider.DatasetDataProvider``: the decoded items of a
``slim.dataset.Dataset``, read in parallel (``parallel_reader.parallel_read``), plus the
record key.

Example:
    >>> provider = DatasetDataProvider(dataset, num_readers=4, shuffle=True)
    >>> image, label = provider.get(["image", "label"])
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.slim.data import parallel_reader
from trainkit.contrib.slim.data.data_provider import DataProvider


class DatasetDataProvider(DataProvider):
    """Reads ``dataset.data_sources`` with ``dataset.reader`` and decodes every item.

    Args:
        dataset: a ``slim.dataset.Dataset``.
        num_readers, reader_kwargs, shuffle, num_epochs, seed, scope: passed to
            ``parallel_read`` (``num_epochs`` makes a local ``epochs`` counter:
            run ``local_variables_initializer()``).
        common_queue_capacity, common_queue_min: the common queue's capacity and
            ``min_after_dequeue``.
        record_key: the item name of the record keys.

    Raises:
        ValueError: ``record_key`` is also one of the dataset's items.
    """

    def __init__(self, dataset: Any, num_readers: int = 1, reader_kwargs: dict | None = None,
                 shuffle: bool = True, num_epochs: int | None = None,
                 common_queue_capacity: int = 256, common_queue_min: int = 128,
                 record_key: str = "record_key", seed: int | None = None,
                 scope: str | None = None):
        key, data = parallel_reader.parallel_read(
            dataset.data_sources, reader_class=dataset.reader, num_epochs=num_epochs,
            num_readers=num_readers, reader_kwargs=reader_kwargs, shuffle=shuffle,
            capacity=common_queue_capacity, min_after_dequeue=common_queue_min, seed=seed,
            scope=scope)
        items = dataset.decoder.list_items()
        items_to_tensors = dict(zip(items, dataset.decoder.decode(data, items), strict=True))
        if record_key in items_to_tensors:
            raise ValueError(f"The item name used for `record_key` cannot also be used for a "
                             f"dataset item: {record_key}")
        items_to_tensors[record_key] = key
        super().__init__(items_to_tensors=items_to_tensors, num_samples=dataset.num_samples)


__all__ = ["DatasetDataProvider"]
