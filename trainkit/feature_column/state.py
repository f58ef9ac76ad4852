"""Where feature columns get their variables: a state object handed in by whoever builds
the columns (TF's ``StateManager``).

A column that owns variables (``embedding_column``, ``shared_embedding_columns``) only
says what it needs, a name, a shape, an initializer and whether it trains, and asks the
state for it. TF1's functional API (``input_layer``, ``linear_model``) hands in
:class:`ScopeVariables`: ``tf.get_variable`` in the variable scope it opened for the
column (``input_layer/<column>/embedding_weights``), in the caller's collections. Keras's
``DenseFeatures`` hands in its own state, which makes the variables once as the layer's
weights and gives the same ones back on every later call; this package never imports
Keras.

Example:
    >>> state = ScopeVariables(trainable=False)
    >>> tensor = embedding_column(city, 4).dense(cache, state)
"""

from __future__ import annotations

from typing import Any, Protocol

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.ops import variable_scope


class ColumnState(Protocol):
    """What a column asks its variables from (``DenseFeatures`` and :class:`ScopeVariables`
    implement it)."""

    def get_variable(self, column: Any, name: str, shape: list[int], initializer: Any,
                     trainable: bool) -> Any:
        """The variable ``name`` of ``column`` (made on the first request)."""

    def get_shared_variable(self, shared_name: str, name: str, shape: list[int],
                            initializer: Any, trainable: bool) -> Any:
        """The variable ``name`` that every column of ``shared_name`` uses."""


class ScopeVariables:
    """``tf.get_variable`` in the current variable scope (TF1's ``input_layer`` and
    ``linear_model``).

    Args:
        outer_scope: the scope shared tables live under (``input_layer``); the current
            variable scope when None.
        trainable: False makes every variable untrainable.
        collections: the collections the variables join (None: ``get_variable``'s).
    """

    def __init__(self, outer_scope: Any = None, trainable: bool = True,
                 collections: Any = None):
        self.outer_scope = outer_scope
        self.trainable = trainable
        self.collections = collections

    def get_variable(self, column: Any, name: str, shape: list[int], initializer: Any,
                     trainable: bool) -> Any:
        return variable_scope.get_variable(
            name, shape, dtype=_dt.float32, initializer=initializer,
            trainable=self.trainable and trainable, collections=self.collections)

    def get_shared_variable(self, shared_name: str, name: str, shape: list[int],
                            initializer: Any, trainable: bool) -> Any:
        """Made by the first column that asks, in ``<outer scope>/<shared_name>/``, and
        found by the others in the graph collection ``shared_name`` (TF's
        ``shared_embedding_collection_name``)."""
        graph = get_default_graph()
        found = graph.get_collection(shared_name)
        if found:
            return found[0]
        outer = self.outer_scope if self.outer_scope is not None \
            else variable_scope.get_variable_scope()
        with variable_scope.variable_scope(outer), \
                variable_scope.variable_scope(shared_name):
            weights = self.get_variable(None, name, shape, initializer, trainable)
        graph.add_to_collection(shared_name, weights)
        return weights


__all__ = ["ColumnState", "ScopeVariables"]
