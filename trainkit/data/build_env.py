"""What building an input pipeline needs at run time (shared by datasets and iterators)."""

from __future__ import annotations

from typing import Any


class BuildEnv:
    """The values of a dataset's graph inputs, the running session and its state.

    An iterator makes one when it (re)starts and hands it to the dataset's build
    function, which turns the dataset description into pipeline stages.
    """

    def __init__(self, values: dict[Any, Any], session: Any, state: Any):
        self.values = values
        self.session = session
        self.state = state


__all__ = ["BuildEnv"]
