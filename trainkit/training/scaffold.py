"""``Scaffold``: the ops a monitored session needs to create, initialize, check and save a
model, each taken from the constructor, a graph collection, or a built default.

Example:
    >>> scaffold = Scaffold(init_fn=lambda scaffold, sess: print("fresh start"))
    >>> scaffold.finalize()            # builds defaults, then finalizes the graph
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph

_LOG = logging.getLogger("trainkit.scaffold")


def _group(*items: Any) -> Any:
    from trainkit.ops import control_flow_ops

    return control_flow_ops.group(*[i for i in items if i is not None])


def _default_init_op() -> Any:
    from trainkit.ops import state_ops as variables

    return _group(variables.global_variables_initializer())


def _default_ready_op() -> Any:
    from trainkit.ops import state_ops as variables

    return variables.report_uninitialized_variables()


def _default_ready_for_local_init_op() -> Any:
    from trainkit.ops import state_ops as variables

    return variables.report_uninitialized_variables(variables.global_variables())


def _default_local_init_op() -> Any:
    from trainkit.ops import state_ops as variables

    # as TF's Scaffold.default_local_init_op: local variables and lookup tables
    return _group(variables.local_variables_initializer(), variables.tables_initializer())


def _default_summary_op() -> Any:
    # Summary ops live one layer up; the scaffold only asks for the merge of them.
    from trainkit import summary

    return summary.merge_all()


def _default_saver() -> Any:
    from trainkit.training import saver as saver_lib

    savers = get_default_graph().get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please "
                               "indicate which one to use by passing it to the constructor.")
        return savers[0]
    saver = saver_lib.Saver(sharded=True, allow_empty=True)
    if saver is not None:
        get_default_graph().add_to_collection(GraphKeys.SAVERS, saver)
    return saver


class Scaffold:
    """Holds the init, ready, local-init, summary ops and the saver of a model.

    Args:
        init_op: runs once on a fresh (not restored) model.
        init_feed_dict: feeds for ``init_op``.
        init_fn: ``init_fn(scaffold, session)`` called after ``init_op`` (not after a
            restore).
        ready_op: a 1-D string tensor of uninitialized variable names (empty = ready).
        ready_for_local_init_op: like ``ready_op``, checked before ``local_init_op``.
        local_init_op: runs in every new session (local variables, tables).
        summary_op: the merged summary op ``SummarySaverHook`` fetches.
        saver: the ``Saver`` used to restore and save checkpoints.
        copy_from_scaffold: a Scaffold whose values fill every unset argument.
        local_init_feed_dict: feeds for ``local_init_op``.

    Raises:
        TypeError: if ``copy_from_scaffold`` is not a Scaffold.
    """

    def __init__(self, init_op: Any = None, init_feed_dict: dict | None = None,
                 init_fn: Callable[[Scaffold, Any], None] | None = None,
                 ready_op: Any = None, ready_for_local_init_op: Any = None,
                 local_init_op: Any = None, summary_op: Any = None, saver: Any = None,
                 copy_from_scaffold: Scaffold | None = None,
                 local_init_feed_dict: dict | None = None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError(f"copy_from_scaffold is not a Scaffold instance: "
                                f"{copy_from_scaffold!r}.")
            c = copy_from_scaffold
            init_op = init_op if init_op is not None else c.init_op
            init_feed_dict = init_feed_dict or c._init_feed_dict
            init_fn = init_fn or c._user_init_fn
            ready_op = ready_op if ready_op is not None else c.ready_op
            if ready_for_local_init_op is None:
                ready_for_local_init_op = c.ready_for_local_init_op
            local_init_op = local_init_op if local_init_op is not None else c.local_init_op
            local_init_feed_dict = local_init_feed_dict or c._local_init_feed_dict
            summary_op = summary_op if summary_op is not None else c.summary_op
            saver = saver if saver is not None else c.saver
        if init_fn is not None and not callable(init_fn):
            raise TypeError(f"init_fn must be callable(scaffold, session), got {init_fn!r}.")
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._local_init_feed_dict = local_init_feed_dict
        self._summary_op = summary_op
        self._saver = saver
        self._finalized = False

    @staticmethod
    def get_or_default(arg_name: str, collection_key: str,
                       default_constructor: Callable[[], Any]) -> Any:
        """The single item of ``collection_key``, or ``default_constructor()`` (added to
        the collection when not None).

        Raises:
            RuntimeError: if the collection holds more than one item.
        """
        graph = get_default_graph()
        elements = graph.get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f'More than one item in the collection "{collection_key}". Please '
                    f"indicate which one to use by passing it to the Scaffold constructor "
                    f"as: Scaffold({arg_name}=item to use)")
            return elements[0]
        op = default_constructor()
        if op is not None:
            graph.add_to_collection(collection_key, op)
        return op

    def finalize(self) -> Scaffold:
        """Fills unset fields from collections or defaults, then finalizes the graph.

        Calling it again only re-finalizes the graph.
        """
        if not self._finalized:
            if self._init_op is None:
                self._init_op = self.get_or_default("init_op", GraphKeys.INIT_OP,
                                                    _default_init_op)
            if self._ready_op is None:
                self._ready_op = self.get_or_default("ready_op", GraphKeys.READY_OP,
                                                     _default_ready_op)
            if self._ready_for_local_init_op is None:
                self._ready_for_local_init_op = self.get_or_default(
                    "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                    _default_ready_for_local_init_op)
            if self._local_init_op is None:
                self._local_init_op = self.get_or_default(
                    "local_init_op", GraphKeys.LOCAL_INIT_OP, _default_local_init_op)
            if self._summary_op is None:
                self._summary_op = self.get_or_default("summary_op", GraphKeys.SUMMARY_OP,
                                                       _default_summary_op)
            if self._saver is None:
                self._saver = _default_saver()
            build = getattr(self._saver, "build", None)
            if callable(build):
                build()
            self._finalized = True
        get_default_graph().finalize()
        _LOG.info("Graph was finalized.")
        return self

    @property
    def init_fn(self) -> Callable[[Any], None] | None:
        """``init_fn`` bound to this scaffold: call it as ``init_fn(session)``."""
        return self._init_fn

    @property
    def init_op(self) -> Any:
        return self._init_op

    @property
    def ready_op(self) -> Any:
        return self._ready_op

    @property
    def ready_for_local_init_op(self) -> Any:
        return self._ready_for_local_init_op

    @property
    def local_init_op(self) -> Any:
        return self._local_init_op

    @property
    def local_init_feed_dict(self) -> dict | None:
        return self._local_init_feed_dict

    @property
    def summary_op(self) -> Any:
        return self._summary_op

    @property
    def saver(self) -> Any:
        return self._saver

    @property
    def init_feed_dict(self) -> dict | None:
        return self._init_feed_dict

    @staticmethod
    def default_local_init_op() -> Any:
        """The default ``local_init_op``: initializes the local variables."""
        return _default_local_init_op()


__all__ = ["Scaffold"]
