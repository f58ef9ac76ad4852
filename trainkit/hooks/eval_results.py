"""Evaluation results published through the graph, where any hook can read them.

An :class:`EvaluationHook` publishes each evaluation's metrics on the graph's
:class:`EvaluationResults` board of its name (kept in the graph collection
``"evaluation_results"``); a hook that needs them (``EarlyStoppingHook`` watching a
metric) subscribes to the same board in its ``begin``. Subscribers are called the moment
results are published, with the ``run_context`` of the step that produced them, so the
order of the hooks in the list does not matter.

Example:
    >>> board = evaluation_results("eval")            # in a hook's begin()  # doctest: +SKIP
    >>> board.subscribe(self, self._on_results)                              # doctest: +SKIP
    >>> board.latest                                  # (step, {"acc": 0.9}) or None
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from trainkit.framework.graph import get_default_graph

COLLECTION = "evaluation_results"

Subscriber = Callable[[int, Mapping[str, float], Any], None]


class EvaluationResults:
    """The results of the evaluation called ``name`` in one graph.

    Attributes:
        name: the evaluation's name (an ``EvaluationHook``'s ``name``, e.g. ``"eval"``).
        latest: ``(step, metrics)`` of the newest evaluation, or None.
        history: every ``(step, metrics)`` published since the last :meth:`declare`.
        declared: whether a producer announced itself (a reader can tell "no evaluation
            yet" from "no evaluation at all").
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.latest: tuple[int, dict[str, float]] | None = None
        self.history: list[tuple[int, dict[str, float]]] = []
        self.declared = False
        self._subscribers: dict[int, Subscriber] = {}

    def declare(self) -> None:
        """Called by the producer when a session begins: forgets earlier results."""
        self.declared = True
        self.latest = None
        self.history = []

    def subscribe(self, owner: object, callback: Subscriber) -> None:
        """Calls ``callback(step, metrics, run_context)`` on every publication (one
        callback per ``owner``: subscribing again replaces it)."""
        self._subscribers[id(owner)] = callback

    def unsubscribe(self, owner: object) -> None:
        """Stops calling ``owner``'s callback (unknown owners are ignored)."""
        self._subscribers.pop(id(owner), None)

    def publish(self, step: int, metrics: Mapping[str, float], run_context: Any = None
                ) -> None:
        """Records ``metrics`` at ``step`` and tells every subscriber (``run_context`` is
        the producing step's, or None outside a step, e.g. at the end of a session)."""
        result = dict(metrics)
        self.latest = (step, result)
        self.history.append((step, result))
        for callback in list(self._subscribers.values()):
            callback(step, result, run_context)


def evaluation_results(name: str = "eval", graph: Any = None) -> EvaluationResults:
    """The board of the evaluation ``name`` in ``graph`` (default: the default graph),
    created on first use."""
    g = graph if graph is not None else get_default_graph()
    boards = g.get_collection_ref(COLLECTION)
    for b in boards:
        if isinstance(b, EvaluationResults) and b.name == name:
            return b
    board = EvaluationResults(name)
    boards.append(board)
    return board


__all__ = ["EvaluationResults", "evaluation_results", "COLLECTION"]
