"""``slim.data_decoder.DataDecoder``: the interface of a decoder of serialized records."""

from __future__ import annotations

import abc
from typing import Any


class DataDecoder(abc.ABC):
    """Decodes one serialized record into the tensors of named items."""

    @abc.abstractmethod
    def decode(self, data: Any, items: Any) -> list:
        """The tensors of ``items`` (names from :meth:`list_items`) for ``data``."""

    @abc.abstractmethod
    def list_items(self) -> list:
        """The names of the items this decoder can provide."""


__all__ = ["DataDecoder"]
