"""``slim.data_provider.DataProvider``: named tensors of a data source, handed out by
``get([names])``.

Example:
    >>> image, label = provider.get(["image", "label"])
"""

from __future__ import annotations

from typing import Any


class DataProvider:
    """Maps requested item names to tensors.

    Args:
        items_to_tensors: name -> tensor.
        num_samples: the number of samples of the data source.
    """

    def __init__(self, items_to_tensors: dict, num_samples: int):
        self._items_to_tensors = items_to_tensors
        self._num_samples = num_samples

    def get(self, items: Any) -> list:
        """The tensors of ``items``, in order.

        Raises:
            ValueError: ``items`` is not a list or tuple, or names an unknown item
                (TF's messages).
        """
        if not isinstance(items, list | tuple):
            raise ValueError("items must be a list or tuple")
        valid = self.list_items()
        for item in items:
            if item not in valid:
                raise ValueError(f"Item [{item}] is invalid. Valid entries include: {valid}")
        return [self._items_to_tensors[item] for item in items]

    def list_items(self) -> Any:
        """The names :meth:`get` accepts."""
        return self._items_to_tensors.keys()

    def num_samples(self) -> int:
        """The number of samples of the data source."""
        return self._num_samples


__all__ = ["DataProvider"]
