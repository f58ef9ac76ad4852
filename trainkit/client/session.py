"""``Session`` and ``InteractiveSession``: compile the needed part of a graph into a
cached plan and run it.

Example:
    >>> import trainkit as tk
    >>> x = tk.placeholder(tk.float32, [2])
    >>> y = x * 2.0
    >>> with tk.Session() as sess:
    ...     sess.run({"y": y}, feed_dict={x: [1.0, 2.0]})
    {'y': array([2., 4.], dtype=float32)}
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import nest
from trainkit.client import (
    executor,
    inter_op,
    loop_plan,  # noqa: F401 - registers the While kernels
    malloc_tuning,
    runtime_config,
    threads,
)
from trainkit.client import feeds as _feeds
from trainkit.client import fetches as _f
from trainkit.client.config_proto import ConfigProto
from trainkit.client.fetch_structure import LEAF_TYPES as _LEAF_TYPES
from trainkit.client.fetch_structure import compile_packer, fetch_key
from trainkit.client.handles import TensorHandle
from trainkit.client.state import SessionState
from trainkit.framework import default_session
from trainkit.framework.graph import Graph, get_default_graph
from trainkit.framework.sparse_tensor import SparseTensorValue
from trainkit.framework.tensor import Tensor


class _Compiled:
    """A cached run: resolved fetches, feed expansion and the executor plan."""

    __slots__ = ("spec", "plan", "feed_kinds", "converters", "simple_feeds", "single",
                 "flat_leaves", "flat_is_list", "packer")

    def build(self, fetches: Any, flat: list, session: Session) -> Any:
        spec = self.spec
        copy = self.plan.copy_fetch
        vals = []
        for i, v in enumerate(flat):
            if type(v) is np.ndarray:
                if copy[i] or v.base is not None:  # a view may show a variable or a constant
                    v = v.copy()
                vals.append(v[()] if v.ndim == 0 else v)
            else:
                vals.append(_f.to_user_value(v, spec.tensors[i]))
        if self.flat_leaves is not None:  # a plain list/tuple of tensors and ops
            out = [None if i is None else vals[i] for i in self.flat_leaves]
            return out if self.flat_is_list else tuple(out)
        out = []
        for kind, idx in spec.leaves:
            if kind == _f.TENSOR:
                out.append(vals[idx])
            elif kind == _f.TARGET:
                out.append(None)
            elif kind == _f.SPARSE:
                out.append(SparseTensorValue(vals[idx[0]], vals[idx[1]], vals[idx[2]]))
            elif kind == _f.INDEXED:
                out.append(_f.indexed_value(vals, idx))
            else:
                t = spec.tensors[idx]
                out.append(TensorHandle(vals[idx], t.op.inputs[0].dtype, session))
        if spec.is_leaf:
            return out[0]
        return self.packer(out)


class BaseSession:
    """Shared machinery of :class:`Session` and :class:`InteractiveSession`."""

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None):
        if graph is None:
            graph = get_default_graph()
        if not isinstance(graph, Graph):
            raise TypeError(f"graph must be a tk.Graph, but got {type(graph).__name__}")
        if config is None:  # TF 2.x: the process-wide tf.config settings (thread counts)
            config = runtime_config.default_session_config()
        self._graph = graph
        self._target = target
        self._config = config
        # BLAS threads for this process (client/threads.py: 1 unless the config or the
        # environment asks); TF's 0 means "the runtime chooses".
        self._threads = threads.configure(
            getattr(config, "intra_op_parallelism_threads", 0) or None)
        malloc_tuning.configure()  # freed memory stays for the next step (opt-out: env)
        # threads that may run independent heavy kernels of one step at once
        # (client/inter_op.py); 0 / unset: inter_op.AUTO_THREADS
        self._inter_op = inter_op.resolve(getattr(config, "inter_op_parallelism_threads",
                                                  None))
        self._inter_op_forced = inter_op.forced()
        self._closed = False
        self._state = SessionState()
        self._cache: dict[Any, _Compiled] = {}
        self._lock = threading.RLock()
        self._partial_runs: dict[str, Any] = {}
        self._partial_counter = 0

    # -- properties -------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        """The graph this session runs."""
        return self._graph

    @property
    def graph_def(self) -> Any:
        """The graph as a ``GraphDef`` proto with ``_output_shapes``."""
        return self._graph.as_graph_def(add_shapes=True)

    @property
    def sess_str(self) -> str:
        """The ``target`` the session was created with."""
        return self._target

    def list_devices(self) -> list:
        """The devices of this session (one CPU)."""
        from trainkit.client.run_metadata import CPU_DEVICE

        dev = type("DeviceAttributes", (), {"name": CPU_DEVICE, "device_type": "CPU",
                                            "memory_limit_bytes": 0, "incarnation": 0})
        return [dev()]

    def as_default(self) -> Any:
        """Makes this the default session inside a ``with`` block (does not close it)."""
        return default_session.default_session(self)

    # -- run --------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def run(self, fetches: Any, feed_dict: dict | None = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Computes ``fetches`` (any nesting of tensors, ops, names, sparse tensors).

        Args:
            fetches: a leaf or list/tuple/namedtuple/dict of leaves; an Operation yields
                None, a Tensor an ndarray (numpy scalar for 0-d, bytes for strings).
            feed_dict: tensor (or name, SparseTensor, tuple of tensors) -> value.
            options: a ``RunOptions`` (``trace_level``, ``timeout_in_ms``).
            run_metadata: a ``RunMetadata`` that receives step stats under FULL_TRACE.

        Raises:
            RuntimeError: the session is closed or the graph is empty.
            TypeError / ValueError: bad fetches or feeds (see tf_semantics.md).
            trainkit.errors.OpError: a kernel failed (the subclass says how).
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        try:
            fk = fetches if type(fetches) in _LEAF_TYPES else fetch_key(fetches)
            key = (fk, tuple(feed_dict) if feed_dict else ())
            entry = self._cache.get(key)
        except TypeError:
            key, entry = None, None
        if entry is None or entry.plan.epoch != self._graph.plan_epoch:
            entry = self._compile(fetches, feed_dict)
            if key is not None:
                self._cache[key] = entry
        if not feed_dict:
            values: list = []
        elif entry.simple_feeds:
            values = [c(v) for c, v in zip(entry.converters, feed_dict.values())]
        else:
            values = self._convert_feeds(entry, feed_dict)
        flat = entry.plan.execute(values, options, run_metadata)
        if entry.single:
            v = flat[0]
            if type(v) is np.ndarray:
                if entry.plan.copy_fetch[0] or v.base is not None:
                    v = v.copy()
                return v[()] if v.ndim == 0 else v
            return _f.to_user_value(v, entry.spec.tensors[0])
        return entry.build(fetches, flat, self)

    def _convert_feeds(self, entry: _Compiled, feed_dict: dict) -> list:
        raw: list = []
        for (kind, sub), v in zip(entry.feed_kinds, feed_dict.values()):
            _feeds.flatten_value(kind, sub, v, raw)
        return [c(v) for c, v in zip(entry.converters, raw)]

    def _compile(self, fetches: Any, feed_dict: dict | None,
                 extra_fetch: list | None = None) -> _Compiled:
        graph = self._graph
        if graph.version == 0:
            raise RuntimeError("The Session graph is empty. Add operations to the graph "
                               "before calling run().")
        spec = _f.build_fetch_spec(graph, fetches)
        feed_tensors: list[Tensor] = []
        kinds: list = []
        for key in (feed_dict or {}):
            kind, ts, sub = _feeds.expand_key(graph, key)
            kinds.append((kind, sub))
            feed_tensors.extend(ts)
        for t in feed_tensors:
            if not graph.is_feedable(t):
                raise ValueError(f"Tensor {t.name} may not be fed.")
        with self._lock:
            epoch = graph.plan_epoch
            plan = executor.compile_plan(spec.tensors + (extra_fetch or []), spec.targets,
                                         feed_tensors, self._state, self, self._inter_op,
                                         self._inter_op_forced)
            plan.epoch = epoch
        entry = _Compiled()
        entry.spec = spec
        entry.plan = plan
        entry.feed_kinds = kinds
        entry.converters = [_feeds.make_converter(t) for t in feed_tensors]
        entry.simple_feeds = all(k == _feeds.SINGLE for k, _ in kinds)
        entry.single = (spec.is_leaf and len(spec.leaves) == 1
                        and spec.leaves[0][0] == _f.TENSOR and not extra_fetch)
        entry.flat_leaves, entry.flat_is_list = None, False
        entry.packer = None if spec.is_leaf else compile_packer(fetches)
        if (type(fetches) in (list, tuple) and not any(nest.is_nested(f) for f in fetches)
                and all(k in (_f.TENSOR, _f.TARGET) for k, _ in spec.leaves)):
            entry.flat_leaves = [idx for _, idx in spec.leaves]
            entry.flat_is_list = type(fetches) is list
        return entry

    # -- make_callable ------------------------------------------------------------------
    def make_callable(self, fetches: Any, feed_list: list | tuple | None = None,
                      accept_options: bool = False) -> Callable[..., Any]:
        """A function running ``fetches`` with positional feeds for ``feed_list``.

        Differs from TF: a call with more or fewer positional arguments than
        ``feed_list`` raises TypeError (TF silently drops surplus arguments).

        Raises:
            TypeError: if ``feed_list`` is not a list or tuple.
        """
        if feed_list is not None and not isinstance(feed_list, list | tuple):
            raise TypeError(f"`feed_list` must be a list or tuple, got {type(feed_list)}.")
        feed_list = list(feed_list or [])
        entry = self._compile(fetches, dict.fromkeys(feed_list) if feed_list else None)
        n = len(feed_list)
        convs = entry.converters
        simple = entry.simple_feeds and len(convs) == n
        plan = entry.plan
        single = entry.single

        def call(*args: Any, options: Any = None, run_metadata: Any = None) -> Any:
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(args) != n:
                raise TypeError(f"This callable takes {n} positional feed value(s) "
                                f"(one per feed_list entry), got {len(args)}.")
            if simple:
                values = [c(v) for c, v in zip(convs, args)]
            else:
                values = self._convert_feeds(entry, dict(zip(feed_list, args)))
            if plan.epoch != self._graph.plan_epoch:
                fresh = self._compile(fetches, dict.fromkeys(feed_list) if feed_list else None)
                return fresh.build(fetches, fresh.plan.execute(values, options, run_metadata),
                                   self)
            flat = plan.execute(values, options, run_metadata)
            if single:
                v = flat[0]
                if type(v) is np.ndarray and (plan.copy_fetch[0] or v.base is not None):
                    v = v.copy()
                return _f.to_user_value(v, entry.spec.tensors[0])
            return entry.build(fetches, flat, self)

        if accept_options:
            return call

        def call_no_options(*args: Any) -> Any:
            return call(*args)

        return call_no_options

    @property
    def state(self) -> SessionState:
        """The session's own state: variable buffers, random generators, resources such
        as iterators (a trainkit extension, for kernels and checkpointable objects)."""
        return self._state

    # -- partial runs -------------------------------------------------------------------
    def partial_run_setup(self, fetches: Any, feeds: Any = None) -> str:
        """Declares the fetches and feeds of a partial run; returns its handle."""
        from trainkit.client import partial_run

        self._check_open()
        return partial_run.setup(self, fetches, feeds)

    def partial_run(self, handle: str, fetches: Any, feed_dict: dict | None = None) -> Any:
        """Continues a partial run: feeds more inputs and fetches more outputs."""
        from trainkit.client import partial_run

        self._check_open()
        return partial_run.run(self, handle, fetches, feed_dict)

    # -- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Frees the session's state. Calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._cache.clear()
        self._partial_runs.clear()
        for res in list(self._state.resources.values()):
            closer = getattr(res, "close", None)
            if callable(closer):
                closer()
        self._state = SessionState()

    def __del__(self) -> None:
        try:
            self._closed = True
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class Session(BaseSession):
    """A session that runs ops of one graph (``tf.compat.v1.Session``).

    Used as a context manager it becomes the default session *and* makes its graph the
    default graph, and closes on exit; it is not re-entrant.
    """

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None):
        super().__init__(target, graph, config)
        self._context_managers: list = []

    def __enter__(self) -> Session:
        if self._context_managers:
            raise RuntimeError("Session context managers are not re-entrant. Use "
                               "`Session.as_default()` if you want to enter a session "
                               "multiple times.")
        g = self._graph.as_default()
        s = self.as_default()
        g.__enter__()
        s.__enter__()
        self._context_managers = [g, s]
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        g, s = self._context_managers
        self._context_managers = []
        try:
            s.__exit__(exc_type, exc, tb)
            g.__exit__(exc_type, exc, tb)
        finally:
            self.close()

    @staticmethod
    def reset(target: str, containers: Any = None, config: Any = None) -> None:
        """Accepted for compatibility: in-process sessions own their state."""


class InteractiveSession(BaseSession):
    """A session that installs itself as the default session and its graph as the default
    graph on construction, so ``Tensor.eval()`` and ``Operation.run()`` work in a shell.
    ``close()`` removes both again.
    """

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None):
        super().__init__(target, graph, config)
        self._graph_cm = self._graph.as_default()
        self._graph_cm.__enter__()
        default_session.push(self)
        self._installed = True

    def close(self) -> None:
        super().close()
        if getattr(self, "_installed", False):
            self._installed = False
            default_session.pop(self)
            self._graph_cm.__exit__(None, None, None)


__all__ = ["Session", "InteractiveSession", "BaseSession", "ConfigProto"]
