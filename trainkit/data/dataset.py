"""``Dataset``: an input pipeline described in Python and run inside the graph.

A dataset is a chain of stages (slices of arrays, map, filter, shuffle, batch, repeat,
take, skip, zip). ``make_one_shot_iterator()`` / ``make_initializable_iterator()`` turn
it into graph ops whose ``get_next()`` yields one element per ``Session.run`` and raises
``errors.OutOfRangeError`` at the end, so ``MonitoredSession`` ends an epoch cleanly.
``map`` functions are traced once into graph ops (like TF) and run by the executor.

Example:
    >>> ds = Dataset.from_tensor_slices((x, y)).shuffle(100, seed=1).batch(32).repeat(2)
    >>> features, labels = ds.make_one_shot_iterator().get_next()
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import nest
from trainkit.client import executor
from trainkit.data import nested
from trainkit.data import pipeline as pl
from trainkit.data.build_env import BuildEnv as _BuildEnv
from trainkit.data.captures import captured_placeholders
from trainkit.data.counts import count_arg, count_value, require, static_value, tensor_inputs
from trainkit.data.dataset_ops import DatasetOpsMixin, graph_seed
from trainkit.data.iterator import Iterator
from trainkit.data.options import Options
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import random_ops
from trainkit.ops.placeholders import placeholder

Spec = tuple[_dt.DType, TensorShape]
_UNKNOWN_CARDINALITY = -2  # tf.data.UNKNOWN_CARDINALITY: shuffle the whole input


def _as_component(value: Any) -> Tensor | np.ndarray:
    if isinstance(value, Tensor) or conversion.is_tensor_like(value):
        return conversion.convert_to_tensor(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in ("U", "S", "O"):
            return _dt.to_string_array(value)
        return value
    return conversion.value_to_ndarray(value, None)


def _spec_of(c: Tensor | np.ndarray, sliced: bool) -> Spec:
    if isinstance(c, Tensor):
        shape = c.shape
        if sliced:
            if shape.ndims == 0:
                raise ValueError(f"Cannot slice the scalar tensor {c.name} into elements.")
            shape = shape[1:] if shape.ndims is not None else TensorShape(None)
        return c.dtype, shape
    dt = _dt.string if c.dtype == object else _dt.as_dtype(c.dtype)
    if sliced:
        if c.ndim == 0:
            raise ValueError("Cannot slice a scalar into dataset elements.")
        return dt, TensorShape(c.shape[1:])
    return dt, TensorShape(c.shape)


def _lists_as_values(structure: Any) -> Any:
    """tf.data's rule: a Python list is one value (converted to a tensor), while tuples and
    dicts are structures; so ``[1, 2, 3]`` and ``{"x": [[1, 2], [3, 4]]}`` slice as arrays."""
    if isinstance(structure, list):
        if any(isinstance(e, Tensor) for e in nest.flatten(structure)):
            from trainkit.ops.join_ops import stack

            return stack([_lists_as_values(e) for e in structure])
        return conversion.value_to_ndarray(structure, None)
    if isinstance(structure, dict):
        return type(structure)((k, _lists_as_values(v)) for k, v in structure.items())
    if isinstance(structure, tuple):
        items = [_lists_as_values(v) for v in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else tuple(items)
    return structure


class Dataset(DatasetOpsMixin):
    """A description of an input pipeline (``tf.compat.v1.data.Dataset``); more
    sources and transformations come from ``dataset_ops.DatasetOpsMixin``."""

    def __init__(self, structure: Any, specs: list[Spec], inputs: list[Tensor],
                 build: Callable[[_BuildEnv], pl.Stage]):
        self._structure = structure
        self._specs = specs
        self._inputs = inputs
        self._build = build
        self._options: Options | None = None
        # set on the dataset a function receives for a nested component (its slices)
        self._slices_of: Tensor | None = None

    # -- sources -------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any) -> Dataset:
        """Elements are the slices of ``tensors`` (arrays, tensors, tuples or dicts of them)
        along their first dimension.

        Raises:
            ValueError: if the components differ in their first dimension.
        """
        return Dataset._from_components(tensors, sliced=True)

    @staticmethod
    def from_tensors(tensors: Any) -> Dataset:
        """A dataset with a single element: ``tensors``."""
        return Dataset._from_components(tensors, sliced=False)

    @staticmethod
    def _from_components(tensors: Any, sliced: bool) -> Dataset:
        tensors = _lists_as_values(tensors)
        flat = [_as_component(c) for c in nest.flatten(tensors)]
        specs = [_spec_of(c, sliced) for c in flat]
        if sliced:
            sizes = {int(c.shape[0]) for c in flat if isinstance(c, np.ndarray)}
            sizes |= {c.shape.as_list()[0] for c in flat if isinstance(c, Tensor)
                      and c.shape.ndims and c.shape.as_list()[0] is not None}
            if len(sizes) > 1:
                raise ValueError("Dimensions of the components to slice must match: got first "
                                 f"dimensions {sorted(sizes)}.")
        inputs = [c for c in flat if isinstance(c, Tensor)]

        def build(env: _BuildEnv) -> pl.Stage:
            comps = [np.asarray(env.values[c]) if isinstance(c, Tensor) else c for c in flat]
            if sliced:
                if len({len(c) for c in comps}) > 1:
                    raise ValueError("Dimensions of the components to slice must match: got "
                                     f"{[len(c) for c in comps]}.")
                return pl.SliceSource(comps)
            return pl.TensorsSource(comps)

        return Dataset(tensors, specs, inputs, build)

    @staticmethod
    def range(*args: int, output_type: Any = _dt.int64) -> Dataset:
        """Integers like Python's ``range(start, stop, step)``.

        An argument may be a scalar integer tensor (a placeholder, say): it is read when
        the iterator starts, so ``range(max_value)`` is fed at ``iterator.initializer``.

        Raises:
            TypeError: an argument that is neither an integer nor a scalar integer tensor;
                InvalidArgumentError when the iterator starts, for a zero ``step`` (as TF).
        """
        dt = _dt.as_dtype(output_type)
        ints = [count_arg(a, "range argument") for a in args]
        empty = Dataset._from_components(np.zeros([0], dt.np_dtype), sliced=True)

        def build(env: _BuildEnv) -> pl.Stage:
            values = [count_value(a, env) for a in ints]
            require(len(values) < 3 or values[2] != 0, "step must be a non-zero integer.")
            return pl.SliceSource([np.arange(*values, dtype=dt.np_dtype)])

        tensors = [a for a in ints if isinstance(a, Tensor)]
        if tensors or (len(ints) == 3 and ints[2] == 0):
            return Dataset(empty._structure, empty._specs, tensors, build)
        arr = np.arange(*ints, dtype=dt.np_dtype)
        return Dataset._from_components(arr, sliced=True)

    @staticmethod
    def zip(datasets: Any) -> Dataset:
        """Elements of several datasets side by side (a tuple or dict of datasets)."""
        flat = nest.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"Dataset.zip expects datasets, got {type(d).__name__}.")
        structure = nest.pack_sequence_as(datasets, [d._structure for d in flat])
        specs = [s for d in flat for s in d._specs]
        inputs = [t for d in flat for t in d._inputs]

        def build(env: _BuildEnv) -> pl.Stage:
            return pl.Zip([d._build(env) for d in flat], [len(d._specs) for d in flat])

        return Dataset(structure, specs, inputs, build)

    # -- transformations -------------------------------------------------------------------
    def _chain(self, make: Callable[[pl.Stage, _BuildEnv], pl.Stage],
               specs: list[Spec] | None = None, structure: Any = None,
               extra_inputs: list[Tensor] | None = None) -> Dataset:
        up = self._build

        def build(env: _BuildEnv) -> pl.Stage:
            return make(up(env), env)

        out = Dataset(self._structure if structure is None else structure,
                      self._specs if specs is None else specs,
                      self._inputs + (extra_inputs or []), build)
        out._options = self._options
        return out

    def _trace(self, fn: Callable[..., Any], scope: str
               ) -> tuple[list[Tensor], list[Tensor], Any]:
        graph = get_default_graph()
        with graph.name_scope(scope):
            phs = [placeholder(dt, shape, name=f"arg{i}")
                   for i, (dt, shape) in enumerate(self._specs)]
            element = self._element_from(phs)
            if isinstance(element, tuple) and not nest.is_namedtuple(element):
                out = fn(*element)
            else:
                out = fn(element)
            outs, out = Dataset._as_outputs(out)
        return phs, outs, out

    def _element_from(self, tensors: list[Tensor]) -> Any:
        """An element with this dataset's structure from one tensor per component; a
        component that is a dataset (``nested.DatasetSpec``) becomes a dataset of the
        slices of its tensor (the stacked elements)."""
        leaves = [Dataset._of_slices(t) if flag else t
                  for t, flag in zip(tensors, nested.nested_flags(self._structure))]
        return nest.pack_sequence_as(self._structure, leaves)

    @staticmethod
    def _of_slices(t: Tensor) -> Dataset:
        out = Dataset.from_tensor_slices(t)
        out._slices_of = t
        return out

    @staticmethod
    def _as_outputs(value: Any) -> tuple[list[Tensor], Any]:
        """A traced function's result as tensors, plus its structure with a
        ``nested.DatasetSpec`` where it returned a dataset (carried stacked)."""
        outs, leaves = [], []
        for leaf in nest.flatten(value):
            if isinstance(leaf, Dataset):
                outs.append(nested.stacked(leaf))
                leaves.append(nested.DatasetSpec(*leaf._specs[0]))
            else:
                outs.append(conversion.convert_to_tensor(leaf))
                leaves.append(outs[-1])
        return outs, nest.pack_sequence_as(value, leaves)

    @staticmethod
    def _compiled(phs: list[Tensor], outs: list[Tensor], env: _BuildEnv) -> Callable:
        """A function of one element computing ``outs`` from ``phs``; the placeholders
        outside the function that ``outs`` read (:func:`captured_placeholders`) are fed
        the values they had when the iterator started."""
        held = [t for t in captured_placeholders(outs, phs) if t in env.values]
        plan = executor.compile_plan(outs, [], phs + held, env.state, env.session)
        dtypes = [o.dtype.np_dtype for o in outs]
        fixed = tuple(env.values[t] for t in held)

        def run(el: tuple) -> tuple:
            vals = plan.execute(tuple(el) + fixed if fixed else el)
            return tuple(np.asarray(v, dtype=d) for v, d in zip(vals, dtypes))

        return run

    def map(self, map_func: Callable[..., Any], num_parallel_calls: Any = None) -> Dataset:
        """Applies ``map_func`` to each element (traced once into graph ops).

        A tuple element is passed as positional arguments, anything else as one argument.
        ``num_parallel_calls`` is checked as in TF (None, -1 for AUTOTUNE, or positive)
        and otherwise ignored: elements are computed in order, on demand.

        Raises:
            TypeError: a ``num_parallel_calls`` that is not an integer;
                InvalidArgumentError when the iterator starts, for one that is zero or
                below -1.
        """
        calls = None if num_parallel_calls is None else count_arg(num_parallel_calls,
                                                                  "num_parallel_calls")
        phs, outs, structure = self._trace(map_func, "map")
        specs = [(o.dtype, o.shape) for o in outs]

        def make(s: pl.Stage, env: _BuildEnv) -> pl.Stage:
            if calls is not None:
                n = count_value(calls, env)
                require(n > 0 or n == -1, "num_parallel_calls must be greater than zero.")
            return pl.Map(s, self._compiled(phs, outs, env))

        return self._chain(make, specs=specs, structure=structure,
                           extra_inputs=self._new_captures(phs, outs) + tensor_inputs(calls))

    def filter(self, predicate: Callable[..., Any]) -> Dataset:
        """Keeps the elements for which ``predicate`` returns a true scalar bool.

        Raises:
            ValueError: if the predicate does not return one scalar bool tensor.
        """
        phs, outs, _ = self._trace(predicate, "filter")
        if len(outs) != 1 or outs[0].dtype is not _dt.bool_:
            raise ValueError("`predicate` must return a scalar boolean tensor.")

        def make(s: pl.Stage, env: _BuildEnv) -> pl.Stage:
            fn = self._compiled(phs, outs, env)
            return pl.Filter(s, lambda el: bool(fn(el)[0]))

        return self._chain(make, extra_inputs=self._new_captures(phs, outs))

    def _new_captures(self, phs: list[Tensor], outs: list[Tensor]) -> list[Tensor]:
        """The placeholders a traced function reads from outside that this dataset does
        not take as inputs yet: they become inputs, fed when the iterator starts (as TF
        captures them by value)."""
        return [t for t in captured_placeholders(outs, phs) if t not in self._inputs]

    def batch(self, batch_size: int, drop_remainder: bool = False) -> Dataset:
        """Stacks consecutive elements into batches of ``batch_size`` (an int, or a
        scalar integer tensor read when the iterator starts, e.g. a placeholder fed to
        the initializer).

        Raises:
            TypeError: ``batch_size`` is not an integer or a scalar integer tensor;
                InvalidArgumentError when the iterator starts, for a size that is not
                positive (TF's run-time check); TypeError also for elements that are
                datasets (Differs from TF: it builds such batches, but no iterator can
                return them).
        """
        nested.refuse_nested(self, "batch")
        size = count_arg(batch_size, "batch_size")
        known = static_value(size)
        lead = known if drop_remainder and known is not None and known > 0 else None
        specs = [(dt, TensorShape([lead]).concatenate(shape)) for dt, shape in self._specs]

        def make(s: pl.Stage, env: _BuildEnv) -> pl.Stage:
            n = count_value(size, env)
            require(n > 0, "Batch size must be greater than zero.")
            return pl.Batch(s, n, drop_remainder)

        return self._chain(make, specs=specs, extra_inputs=tensor_inputs(size))

    def repeat(self, count: int | None = None) -> Dataset:
        """Repeats the dataset ``count`` times (forever when None or -1); ``count`` may be a
        scalar integer tensor, read when the iterator starts."""
        n = None if count is None else count_arg(count, "count")
        return self._chain(
            lambda s, env: pl.Repeat(s, None if n is None else count_value(n, env)),
            extra_inputs=tensor_inputs(n))

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True) -> Dataset:
        """Shuffles with a buffer of ``buffer_size`` elements.

        The seed follows TF1's rules: an explicit ``seed``, else one derived from the graph
        seed (``tk.set_random_seed``) and the graph's size, else a random one.

        A ``buffer_size`` of -2 (``tf.data.UNKNOWN_CARDINALITY``) buffers the whole
        input, as TF does.

        Raises:
            TypeError: ``buffer_size`` is not an integer or a scalar integer tensor;
                InvalidArgumentError when the iterator starts, for a size that is
                neither positive nor -2.
        """
        size = count_arg(buffer_size, "buffer_size")
        s = graph_seed(seed)

        def make(up: pl.Stage, env: _BuildEnv) -> pl.Stage:
            n = count_value(size, env)
            require(n > 0 or n == _UNKNOWN_CARDINALITY,
                    "buffer_size must be greater than zero or UNKNOWN_CARDINALITY")
            if n == _UNKNOWN_CARDINALITY:
                n = sys.maxsize
            return pl.Shuffle(up, n, s, reshuffle_each_iteration)

        return self._chain(make, extra_inputs=tensor_inputs(size))

    def take(self, count: int) -> Dataset:
        """The first ``count`` elements (-1 for all); ``count`` may be a scalar integer
        tensor, read when the iterator starts."""
        n = count_arg(count, "count")
        return self._chain(lambda s, env: pl.Take(s, count_value(n, env)),
                           extra_inputs=tensor_inputs(n))

    def skip(self, count: int) -> Dataset:
        """All but the first ``count`` elements (-1 skips all); ``count`` may be a scalar
        integer tensor, read when the iterator starts."""
        n = count_arg(count, "count")
        return self._chain(lambda s, env: pl.Skip(s, count_value(n, env)),
                           extra_inputs=tensor_inputs(n))

    def shard(self, num_shards: int, index: int) -> Dataset:
        """The elements whose position ``i`` has ``i % num_shards == index`` (one rank's
        part of the data: ``ds.shard(hvd.size(), hvd.rank())``).

        Raises:
            TypeError: arguments that are not integers (or scalar integer tensors);
                InvalidArgumentError when the iterator starts, unless
                ``num_shards > 0`` and ``0 <= index < num_shards`` (TF's run-time check).
        """
        shards, at = count_arg(num_shards, "num_shards"), count_arg(index, "index")

        def make(s: pl.Stage, env: _BuildEnv) -> pl.Stage:
            n, i = count_value(shards, env), count_value(at, env)
            require(n > 0, f"Number of shards must be greater than zero (currently "
                           f"num_shards = {n}).")
            require(0 <= i < n, f"Index must be between 0 and {n - 1} (currently index = "
                                f"{i}).")
            return pl.Shard(s, n, i)

        return self._chain(make, extra_inputs=tensor_inputs(shards, at))

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """``transformation_func(self)``, e.g. ``ds.apply(tf.contrib.data.unbatch())``.

        Raises:
            TypeError: if ``transformation_func`` does not return a ``Dataset``.
        """
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"`transformation_func` must return a Dataset, got "
                            f"{type(out).__name__}.")
        return out

    def with_options(self, options: Options) -> Dataset:
        """This dataset carrying ``options`` (merged over any it carries already; see
        ``data/options.py``: accepted and kept, the elements stay the same).

        Raises:
            TypeError: ``options`` is not a ``tf.data.Options``.
        """
        if not isinstance(options, Options):
            raise TypeError(f"with_options expects tf.data.Options, got "
                            f"{type(options).__name__}.")
        out = self._chain(lambda s, _env: s)
        out._options = options if self._options is None else self._options.merge(options)
        return out

    def options(self) -> Options:
        """The options this dataset carries (a default ``Options`` when none were set)."""
        return Options() if self._options is None else self._options

    # -- element description ---------------------------------------------------------------
    @property
    def output_types(self) -> Any:
        return self._describe(lambda spec: spec[0])

    @property
    def output_shapes(self) -> Any:
        return self._describe(lambda spec: spec[1])

    @property
    def output_classes(self) -> Any:
        return self._describe(lambda _spec: Tensor)

    def _describe(self, of: Callable[[Spec], Any]) -> Any:
        """One value per component (a component that is a dataset is described by its
        ``DatasetSpec``, as TF does), in this dataset's structure."""
        leaves = nest.flatten(self._structure)
        return nest.pack_sequence_as(self._structure, [
            leaf if isinstance(leaf, nested.DatasetSpec) else of(spec)
            for leaf, spec in zip(leaves, self._specs)])

    # -- iterators --------------------------------------------------------------------------
    def make_one_shot_iterator(self) -> Any:
        """An iterator that starts on first use and cannot be re-initialized.

        Under a graph seed it takes an op seed from the graph, as TF's does (so the
        random ops made after it get TF's op seeds)."""
        if get_default_graph().seed is not None:
            random_ops.get_seed(None)
        return Iterator(self, one_shot=True)

    def make_initializable_iterator(self, shared_name: str | None = None) -> Any:
        """An iterator that must be started (and can be restarted) by running its
        ``initializer``."""
        return Iterator(self, one_shot=False)


__all__ = ["Dataset"]
