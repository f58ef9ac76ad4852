"""More ``Dataset`` sources and transformations, mixed into :class:`Dataset`:
``from_generator``, ``list_files``, ``shard``, ``concatenate``, ``unbatch``,
``flat_map``, ``interleave``, ``padded_batch`` (TF1 names, signatures and element
order).

Example:
    >>> ds = Dataset.from_generator(lambda: iter(range(5)), tf.int64, [])
    >>> ds = ds.interleave(lambda x: Dataset.from_tensors(x).repeat(2), cycle_length=2)
"""

from __future__ import annotations

import glob as _glob
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.client import executor
from trainkit.data import combine_stages as cs
from trainkit.data import dataset_stages as ds
from trainkit.data import nested, reduce_ops
from trainkit.data import pipeline as pl
from trainkit.data import window_stages as ws
from trainkit.data.counts import count_arg, count_value, require, static_value, tensor_inputs
from trainkit.data.windowed import window as window_dataset
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import random_ops
from trainkit.ops.placeholders import placeholder

AUTOTUNE = -1


def flatten_like(types: Any, values: Any, what: str) -> list:
    """The leaves of ``values`` that correspond to the ``DType`` leaves of ``types``
    (shapes are lists themselves, so ``nest.flatten`` would split them)."""
    if isinstance(types, _dt.DType) or not nest.is_nested(types):
        return [values]
    if isinstance(types, dict):
        if not isinstance(values, dict) or sorted(values) != sorted(types):
            raise ValueError(f"{what} does not match the structure {types!r}")
        return [v for k in nest.sorted_keys(types) for v in flatten_like(types[k], values[k],
                                                                         what)]
    if not isinstance(values, (list, tuple)) or len(values) != len(types):
        raise ValueError(f"{what} does not match the structure {types!r}")
    return [v for t, x in zip(types, values) for v in flatten_like(t, x, what)]


def graph_seed(seed: int | None) -> int:
    """A dataset op's seed: ``seed``, else one derived from the graph seed and the op seed
    the graph hands out next (taken as TF's dataset ops take theirs, so that the random
    ops made after them get TF's op seeds), else a random one."""
    graph = get_default_graph()
    if seed is None and graph.seed is not None:
        _, op_seed = random_ops.get_seed(None)
        seed = (int(graph.seed) * 1_000_003 + int(op_seed)) % (2**63)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    return int(seed)


def _to_array(value: Any, dt: _dt.DType, shape: TensorShape, i: int) -> np.ndarray:
    try:
        arr = (_dt.to_string_array(value) if dt == _dt.string
               else conversion.value_to_ndarray(value, dt))
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(
            None, None, f"`generator` yielded an element that could not be converted to the "
                        f"expected type. The expected type was {dt.name}, but the yielded "
                        f"element was {value!r} ({e}).") from None
    if not shape.is_compatible_with(TensorShape(arr.shape)):
        raise errors.InvalidArgumentError(
            None, None, f"`generator` yielded an element of shape {tuple(arr.shape)} where an "
                        f"element of shape {shape} was expected (component {i}).")
    return arr


class DatasetOpsMixin:
    """The methods this module adds to ``Dataset``."""

    # -- buffering and windows ------------------------------------------------------------
    def prefetch(self, buffer_size: Any) -> Any:
        """The same elements: they are produced on demand, so no buffer is kept; the
        size is checked as in TF (-1 for AUTOTUNE, else at least 0).

        Raises:
            TypeError: ``buffer_size`` is not an integer or a scalar integer tensor;
                InvalidArgumentError when the iterator starts, for a size below -1.
        """
        size = count_arg(buffer_size, "buffer_size")

        def make(s: pl.Stage, env: Any) -> pl.Stage:
            require(count_value(size, env) >= -1, "buffer_size must be >= 0 or set "
                                                  "buffer_size to be -1 for auto-tuning")
            return s

        if static_value(size) is not None and static_value(size) >= -1:
            return self
        return self._chain(make, extra_inputs=tensor_inputs(size))

    def cache(self, filename: str = "") -> Any:
        """Accepted for compatibility; sources are already in memory."""
        return self

    def window(self, size: int, shift: int | None = None, stride: int = 1,
               drop_remainder: bool = False) -> Any:
        """Windows of ``size`` elements ``stride`` apart, one every ``shift`` (default
        ``size``) elements, each a dataset per component, for ``flat_map`` /
        ``interleave`` (``data/windowed.py``).

        ``size``, ``shift`` and ``stride`` may be integers or scalar integer tensors.

        Raises:
            TypeError: an argument that is not an integer (ValueError for None ``size``);
                InvalidArgumentError when the iterator starts, for one that is not
                positive (TF checks them at run time).
        """
        n = count_arg(size, "size")
        args = (n, n if shift is None else count_arg(shift, "shift"),
                count_arg(stride, "stride"))
        return window_dataset(self, args, bool(drop_remainder))

    # -- sources ---------------------------------------------------------------------------
    @classmethod
    def from_generator(cls, generator: Callable[..., Any], output_types: Any,
                       output_shapes: Any = None, args: Any = None) -> Any:
        """Elements produced by calling ``generator(*args)`` (a fresh call per epoch),
        converted to ``output_types`` and checked against ``output_shapes``.

        Raises:
            TypeError: ``generator`` is not callable; InvalidArgumentError at run time for
                an element of the wrong type or shape.
        """
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = [_dt.as_dtype(t) for t in nest.flatten(output_types)]
        structure = nest.map_structure(lambda t: None, output_types)
        if output_shapes is None:
            shapes = [TensorShape(None)] * len(types)
        else:
            shapes = [TensorShape(s) for s in flatten_like(output_types, output_shapes,
                                                          "output_shapes")]
        arg_ts = [conversion.convert_to_tensor(a) for a in (args or [])]

        def build(env: Any) -> pl.Stage:
            # As TF's py_func hands them over: arrays stay arrays, a 0-d value becomes a
            # NumPy scalar (a string one Python ``bytes``).
            arg_values = [v[()] if np.ndim(v) == 0 else v
                          for v in (env.values[t] for t in arg_ts)]

            def convert(value: Any) -> tuple:
                try:
                    flat = flatten_like(output_types, value, "The yielded element")
                except ValueError as e:
                    raise errors.InvalidArgumentError(None, None, str(e)) from None
                return tuple(_to_array(v, dt, s, i)
                             for i, (v, dt, s) in enumerate(zip(flat, types, shapes)))

            return ds.Generator(lambda: generator(*arg_values), convert)

        return cls(structure, list(zip(types, shapes)), arg_ts, build)

    @classmethod
    def list_files(cls, file_pattern: Any, shuffle: bool | None = None,
                   seed: int | None = None) -> Any:
        """File names matching ``file_pattern`` (a glob or a list of globs), shuffled each
        epoch unless ``shuffle=False``. No match is ``InvalidArgumentError`` when the
        iterator starts."""
        pattern_t = file_pattern if isinstance(file_pattern, Tensor) else None
        shuffle = True if shuffle is None else bool(shuffle)
        s = graph_seed(seed)

        def build(env: Any) -> pl.Stage:
            pats = env.values[pattern_t] if pattern_t is not None else file_pattern
            pats = [p.decode() if isinstance(p, bytes) else str(p)
                    for p in np.asarray(pats, dtype=object).reshape(-1)]
            files = sorted({f for p in pats for f in _glob.glob(p)})
            if not files:
                raise errors.InvalidArgumentError(
                    None, None, f"No files matched pattern: {', '.join(pats)}")
            arr = _dt.to_string_array(files)
            src: pl.Stage = pl.SliceSource([arr])
            return pl.Shuffle(src, len(files), s, True) if shuffle else src

        return cls(None, [(_dt.string, TensorShape([]))],
                   [pattern_t] if pattern_t is not None else [], build)

    # -- transformations -------------------------------------------------------------------
    def interleave(self, map_func: Callable[..., Any], cycle_length: int = AUTOTUNE,
                   block_length: int = 1, num_parallel_calls: Any = None) -> Any:
        """Maps each element to a dataset and interleaves them: ``cycle_length`` open at
        a time, ``block_length`` consecutive elements from each (TF's order).

        Raises:
            TypeError: ``map_func`` does not return a Dataset, or a length that is not an
                integer; InvalidArgumentError when the iterator starts, for a
                ``cycle_length`` that is neither positive nor AUTOTUNE (-1) or a
                ``block_length`` that is not positive (TF's run-time checks).
        """
        lengths = interleave_lengths(cycle_length, block_length)
        graph = get_default_graph()
        with graph.name_scope("interleave"):
            phs = [placeholder(dt, shape, name=f"arg{i}")
                   for i, (dt, shape) in enumerate(self._specs)]
            element = self._element_from(phs)
            if isinstance(element, tuple) and not nest.is_namedtuple(element):
                inner = map_func(*element)
            else:
                inner = map_func(element)
        if not isinstance(inner, DatasetOpsMixin):
            raise TypeError(f"`map_func` must return a `Dataset` object, got "
                            f"{type(inner).__name__}.")
        outer_inputs = list(self._inputs)

        def make(up: pl.Stage, env: Any) -> pl.Stage:
            cycle, block = interleave_values(lengths, env)
            feeds = phs + [t for t in env.values if t not in phs]
            needed = list(inner._inputs)
            plan = (executor.compile_plan(needed, [], feeds, env.state, env.session)
                    if needed else None)
            fixed = [env.values[t] for t in feeds[len(phs):]]

            def make_inner(el: tuple) -> pl.Stage:
                values = dict(env.values)
                if plan is not None:
                    values.update(zip(needed, plan.execute(list(el) + fixed)))
                return inner._build(type(env)(values, env.session, env.state))

            return ds.Interleave(up, make_inner, cycle, block)

        out = self._chain(make, specs=list(inner._specs), structure=inner._structure,
                          extra_inputs=[t for t in inner._inputs
                                        if t not in phs and t not in outer_inputs
                                        and _outside(t, phs)] + tensor_inputs(*lengths))
        return out

    def concatenate(self, dataset: Any) -> Any:
        """The elements of this dataset, then those of ``dataset``; each component's shape
        is the most specific one both datasets' shapes fit.

        Raises:
            TypeError: ``dataset`` is not a dataset, or its elements differ in structure
                or dtypes.
        """
        if not isinstance(dataset, DatasetOpsMixin):
            raise TypeError(f"Dataset.concatenate expects a dataset, got "
                            f"{type(dataset).__name__}.")
        try:
            nest.assert_same_structure(self._structure, dataset._structure)
        except (TypeError, ValueError) as e:
            raise TypeError(f"The two datasets to concatenate have different structures: "
                            f"{e}") from None
        mine, theirs = [dt for dt, _ in self._specs], [dt for dt, _ in dataset._specs]
        if mine != theirs or nested.nested_flags(self._structure) != \
                nested.nested_flags(dataset._structure):
            raise TypeError(f"Two datasets to concatenate have different types "
                            f"{self.output_types} and {dataset.output_types}")
        specs = [(dt, a.most_specific_compatible_shape(b))
                 for (dt, a), (_, b) in zip(self._specs, dataset._specs)]
        first, second = self._build, dataset._build
        return type(self)(self._structure, specs, self._inputs + dataset._inputs,
                          lambda env: cs.Concatenate(first(env), second(env)))

    def unbatch(self) -> Any:
        """Each element's slices along its first dimension as separate elements
        (``ds.apply(tf.data.experimental.unbatch())``).

        Raises:
            ValueError: a component is a scalar; InvalidArgumentError at run time when
                the components of one element differ in their first dimension.
        """
        nested.refuse_nested(self, "unbatch", ValueError)
        specs = []
        for dt, shape in self._specs:
            if shape.ndims == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
            specs.append((dt, shape[1:] if shape.ndims is not None else TensorShape(None)))
        return self._chain(lambda s, _env: ws.Unbatch(s), specs=specs)

    def reduce(self, initial_state: Any, reduce_func: Callable[[Any, Any], Any]) -> Any:
        """Tensors holding ``reduce_func(state, element)`` folded over all the elements,
        starting from ``initial_state`` (same structure and dtypes); each run of them
        reads the dataset from its start (``data/reduce_ops.py``).

        Raises:
            TypeError: ``reduce_func`` changes the state's structure or dtypes.
        """
        return reduce_ops.reduce(self, initial_state, reduce_func)

    def flat_map(self, map_func: Callable[..., Any]) -> Any:
        """Maps each element to a dataset and concatenates them in order."""
        return self.interleave(map_func, cycle_length=1, block_length=1)

    def padded_batch(self, batch_size: int, padded_shapes: Any = None,
                     padding_values: Any = None, drop_remainder: bool = False) -> Any:
        """Batches elements, padding each component to ``padded_shapes`` (a ``None`` /
        -1 dimension pads to the longest element of the batch) with ``padding_values``
        (default 0, or b"" for strings; a value may be a scalar tensor, read when the
        iterator starts).

        Raises:
            TypeError: ``batch_size`` is not an integer or a scalar integer tensor;
                ValueError: a padded shape that cannot hold the component;
                InvalidArgumentError at run time for a ``batch_size`` that is not positive
                or an element larger than its fixed padded shape.
        """
        nested.refuse_nested(self, "padded_batch")
        size = count_arg(batch_size, "batch_size")
        types = self.output_types
        if padded_shapes is None:
            shapes = [s for _, s in self._specs]
            if any(s.ndims is None for s in shapes):
                raise ValueError("padded_shapes is required when a component's rank is "
                                 "unknown")
        else:
            shapes = [TensorShape([None if d == -1 else d for d in
                                   (s.as_list() if isinstance(s, TensorShape) else list(s))])
                      for s in flatten_like(types, padded_shapes, "padded_shapes")]
        for (_, have), want in zip(self._specs, shapes):
            if have.ndims is not None and (have.ndims != want.ndims or any(
                    w is not None and h is not None and h > w
                    for h, w in zip(have.as_list(), want.as_list()))):
                raise ValueError(f"The padded shape {want} is not compatible with the "
                                 f"corresponding input component shape {have}.")
        if padding_values is None:
            pads = [b"" if dt == _dt.string else 0 for dt, _ in self._specs]
        else:
            pads = flatten_like(types, padding_values, "padding_values")
        pads = [_padding_value(p, dt) for p, (dt, _) in zip(pads, self._specs)]
        known = static_value(size)
        lead = known if drop_remainder and known is not None and known > 0 else None
        dims = [s.as_list() for s in shapes]
        out_specs = [(dt, TensorShape([lead] + d)) for (dt, _), d in zip(self._specs, dims)]

        def make(s: Any, env: Any) -> Any:
            values = [np.asarray(env.values[p]).item() if isinstance(p, Tensor) else p
                      for p in pads]
            n = count_value(size, env)
            require(n > 0, "Batch size must be greater than zero.")
            return ds.PaddedBatch(s, n, dims, values, drop_remainder)

        return self._chain(make, specs=out_specs,
                           extra_inputs=tensor_inputs(*pads, size))


def interleave_lengths(cycle_length: Any, block_length: Any) -> tuple[Any, Any]:
    """``interleave``'s ``cycle_length`` (None: AUTOTUNE) and ``block_length`` as ints or
    scalar integer tensors.

    Raises:
        TypeError: a length that is neither.
    """
    cycle = AUTOTUNE if cycle_length is None else count_arg(cycle_length, "cycle_length")
    return cycle, count_arg(block_length, "block_length")


def interleave_values(lengths: tuple[Any, Any], env: Any) -> tuple[int, int]:
    """The cycle and block lengths once the iterator starts (AUTOTUNE: one per core).

    Raises:
        InvalidArgumentError: a length TF refuses, with TF's message.
    """
    cycle, block = (count_value(v, env) for v in lengths)
    require(cycle > 0 or cycle == AUTOTUNE, "cycle_length must be greater than zero.")
    require(block > 0, "block_length must be greater than zero.")
    return (os.cpu_count() or 1) if cycle == AUTOTUNE else cycle, block


def _padding_value(value: Any, dtype: Any) -> Any:
    """A ``padded_batch`` padding value: a Python scalar of the component's dtype, or a
    scalar tensor (a vocabulary lookup of the pad token) read when the iterator starts.

    Raises:
        ValueError: a tensor that is not a scalar; TypeError: one of another dtype.
    """
    if isinstance(value, Tensor) or conversion.is_tensor_like(value):
        t = conversion.convert_to_tensor(value)
        if not t.shape.is_compatible_with(TensorShape([])):
            raise ValueError(f"Invalid `padding_values`. `padding_values` values should be "
                             f"scalars, but got {t.shape} ({t.name}).")
        if t.dtype.base_dtype != dtype:
            raise TypeError(f"Invalid `padding_values`. `padding_values` values type "
                            f"{t.dtype.base_dtype.name} does not match type {dtype.name} of "
                            f"the corresponding input component ({t.name}).")
        return t
    if dtype == _dt.string:
        return _dt.to_string_array(value).item()
    return conversion.value_to_ndarray(value, dtype).item()


def _outside(t: Tensor, phs: list[Tensor]) -> bool:
    """Whether ``t`` can be computed without the traced placeholders ``phs``."""
    seen, stack = set(), [t.op]
    ph_ops = {p.op for p in phs}
    while stack:
        op = stack.pop()
        if op in ph_ops:
            return False
        if op in seen:
            continue
        seen.add(op)
        stack.extend(i.op for i in op.inputs)
    return True


__all__ = ["DatasetOpsMixin", "AUTOTUNE", "flatten_like", "graph_seed"]
