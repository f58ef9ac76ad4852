"""The ``tf.data.experimental`` transformations as functions of a dataset (``unbatch``,
``sliding_window_batch``, ``group_by_window``, ``bucket_by_sequence_length``, ``scan``,
``ignore_errors``): each takes a :class:`Dataset` and returns a new one with TF's element
order. ``tk.data.experimental`` and ``tk.contrib.data`` wrap them as ``Dataset.apply``
transformations.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.client import executor
from trainkit.data import window_stages as ws
from trainkit.data.build_env import BuildEnv
from trainkit.data.captures import check_new_state, trace_with_state
from trainkit.data.dataset import Dataset
from trainkit.data.dataset_ops import _outside
from trainkit.data.dataset_stages import PaddedBatch
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.placeholders import placeholder


def _positive(value: Any, what: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value <= 0:
        raise errors.InvalidArgumentError(None, None, f"{what} must be greater than zero, "
                                                      f"but got {value!r}.")
    return int(value)


def unbatch(dataset: Dataset) -> Dataset:
    """Each element's slices along the first dimension become separate elements
    (:meth:`Dataset.unbatch`)."""
    return dataset.unbatch()


def sliding_window_batch(dataset: Dataset, window_size: int, window_shift: int = 1,
                         window_stride: int = 1) -> Dataset:
    """Stacks windows of ``window_size`` elements ``window_stride`` apart, a new window
    every ``window_shift`` elements; incomplete windows at the end are dropped."""
    size = _positive(window_size, "Window size")
    shift = _positive(window_shift, "Window shift")
    stride = _positive(window_stride, "Window stride")
    specs = [(dt, TensorShape([None]).concatenate(s)) for dt, s in dataset._specs]
    return dataset._chain(lambda s, _env: ws.SlidingWindow(s, size, shift, stride),
                          specs=specs)


def _scalar_fn(dataset: Dataset, fn: Callable[..., Any], what: str
               ) -> tuple[list[Tensor], list[Tensor]]:
    phs, outs, _ = dataset._trace(fn, what)
    if len(outs) != 1 or outs[0].dtype not in (_dt.int64, _dt.int32) or outs[0].shape.ndims:
        raise ValueError(f"`{what}` must return a single tf.int64 scalar tensor.")
    return phs, outs


def _window_dataset(dataset: Dataset, holder: list[list[tuple]]) -> Dataset:
    return Dataset(dataset._structure, dataset._specs, [],
                   lambda _env: ws.ListSource(holder[0]))


def group_by_window(dataset: Dataset, key_func: Callable[..., Any],
                    reduce_func: Callable[[Any, Dataset], Dataset],
                    window_size: int | None = None,
                    window_size_func: Callable[[Any], Any] | None = None) -> Dataset:
    """Groups elements by ``key_func`` (an int64 scalar); every ``window_size`` (or
    ``window_size_func(key)``) elements of one key, and the rest at the end, go through
    ``reduce_func(key, window_dataset)``, whose elements are the output.

    Raises:
        ValueError: not exactly one of ``window_size`` / ``window_size_func``, or a
            ``key_func`` that is not an int64 scalar; TypeError: ``reduce_func`` does not
            return a Dataset.
    """
    if (window_size is None) == (window_size_func is None):
        raise ValueError("Either the `window_size` argument or the `window_size_func` "
                         "argument must be specified (not both).")
    key_phs, key_outs = _scalar_fn(dataset, key_func, "key_func")
    graph = get_default_graph()
    with graph.name_scope("group_by_window"):
        key_ph = placeholder(_dt.int64, [], name="key")
        holder: list[list[tuple]] = [[]]
        reduced = reduce_func(key_ph, _window_dataset(dataset, holder))
        size_out = None
        if window_size_func is not None:
            size_out = conversion.convert_to_tensor(window_size_func(key_ph))
    if not isinstance(reduced, Dataset):
        raise TypeError(f"`reduce_func` must return a `Dataset` object, got "
                        f"{type(reduced).__name__}.")
    fixed_size = None if window_size is None else int(window_size)

    def make(up: Any, env: BuildEnv) -> Any:
        key_plan = executor.compile_plan(key_outs, [], key_phs, env.state, env.session)
        size_plan = (executor.compile_plan([size_out], [], [key_ph], env.state, env.session)
                     if size_out is not None else None)
        feeds = [key_ph] + [t for t in env.values if t is not key_ph]
        needed = list(reduced._inputs)
        plan = (executor.compile_plan(needed, [], feeds, env.state, env.session)
                if needed else None)
        fixed = [env.values[t] for t in feeds[1:]]

        def size_of(key: int) -> int:
            if size_plan is None:
                return fixed_size
            return int(size_plan.execute([np.int64(key)])[0])

        def reduce(key: int, window: list[tuple]) -> Any:
            holder[0] = window
            values = dict(env.values)
            if plan is not None:
                values.update(zip(needed, plan.execute([np.int64(key)] + fixed)))
            return reduced._build(BuildEnv(values, env.session, env.state))

        return ws.GroupByWindow(up, lambda el: int(key_plan.execute(el)[0]), size_of, reduce)

    extra = [t for t in reduced._inputs if t is not key_ph and t not in dataset._inputs
             and _outside(t, [key_ph])]
    return dataset._chain(make, specs=list(reduced._specs), structure=reduced._structure,
                          extra_inputs=extra)


def bucket_by_sequence_length(dataset: Dataset, element_length_func: Callable[..., Any],
                              bucket_boundaries: list[int], bucket_batch_sizes: list[int],
                              padded_shapes: Any = None, padding_values: Any = None,
                              pad_to_bucket_boundary: bool = False, no_padding: bool = False,
                              drop_remainder: bool = False) -> Dataset:
    """Batches elements of similar length: bucket ``i`` holds lengths in
    ``[boundaries[i-1], boundaries[i])`` and is padded-batched by ``bucket_batch_sizes[i]``.

    Raises:
        ValueError: ``len(bucket_batch_sizes) != len(bucket_boundaries) + 1``.
    """
    bounds = [int(b) for b in bucket_boundaries]
    sizes = [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(bounds) + 1:
        raise ValueError("len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1")
    if any(b >= c for b, c in zip(bounds, bounds[1:])):
        raise ValueError("bucket_boundaries must be sorted in increasing order")
    len_phs, len_outs = _scalar_fn(dataset, element_length_func, "element_length_func")
    if no_padding:
        template = dataset.batch(1)
        dims = None
        pads: list[Any] = []
    else:
        template = dataset.padded_batch(1, padded_shapes, padding_values)
        dims = [[None if d is None else d for d in s.as_list()[1:]]
                for _, s in template._specs]
        pads = [b"" if dt == _dt.string else 0 for dt, _ in dataset._specs]
        if padding_values is not None:
            from trainkit.data.dataset_ops import flatten_like
            pads = [(_dt.to_string_array(p).item() if dt == _dt.string
                     else conversion.value_to_ndarray(p, dt).item())
                    for p, (dt, _) in zip(flatten_like(dataset.output_types, padding_values,
                                                       "padding_values"), dataset._specs)]
    specs = [(dt, TensorShape([None]).concatenate(s[1:])) for dt, s in template._specs]

    def make(up: Any, env: BuildEnv) -> Any:
        length_plan = executor.compile_plan(len_outs, [], len_phs, env.state, env.session)

        def key_of(el: tuple) -> int:
            return bisect.bisect_right(bounds, int(length_plan.execute(el)[0]))

        def reduce(key: int, window: list[tuple]) -> Any:
            n = sizes[key]
            if drop_remainder and len(window) < n:
                return ws.ListSource([])
            src = ws.ListSource(window)
            if no_padding:
                return ws.ListSource([tuple(np.stack([w[c] for w in window])
                                            for c in range(len(window[0])))])
            shapes = dims
            if pad_to_bucket_boundary:
                if key >= len(bounds):
                    raise errors.InvalidArgumentError(
                        None, None, "When pad_to_bucket_boundary=True, elements must have "
                                    "length < max(bucket_boundaries).")
                shapes = [[bounds[key] - 1 if d is None else d for d in s] for s in dims]
            return PaddedBatch(src, n, shapes, pads, False)

        return ws.GroupByWindow(up, key_of, lambda key: sizes[key], reduce)

    return dataset._chain(make, specs=specs)


def scan(dataset: Dataset, initial_state: Any,
         scan_func: Callable[[Any, Any], tuple[Any, Any]]) -> Dataset:
    """``state, output = scan_func(state, element)`` over the elements, starting from
    ``initial_state``; the outputs are the new elements.

    Raises:
        TypeError: the new state's structure or dtypes differ from ``initial_state``.
    """
    init_flat, phs, result = trace_with_state(dataset, initial_state, scan_func, "scan")
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise TypeError("`scan_func` must return a pair (new_state, output_element).")
    new_state, output = result
    state_outs = check_new_state(initial_state, init_flat, new_state, "`scan_func`")
    outs = [conversion.convert_to_tensor(o) for o in nest.flatten(output)]
    n_state = len(state_outs)

    def make(up: Any, env: BuildEnv) -> Any:
        init_plan = executor.compile_plan(init_flat, [], [], env.state, env.session)
        initial = tuple(np.asarray(v) for v in init_plan.execute([]))
        plan = executor.compile_plan(state_outs + outs, [], phs,
                                     env.state, env.session)
        dtypes = [o.dtype.np_dtype for o in state_outs + outs]

        def step(state: tuple, el: tuple) -> tuple[tuple, tuple]:
            vals = [np.asarray(v, dtype=d) for v, d in
                    zip(plan.execute(list(state) + list(el)), dtypes)]
            return tuple(vals[:n_state]), tuple(vals[n_state:])

        return ws.Scan(up, initial, step)

    return dataset._chain(make, specs=[(o.dtype, o.shape) for o in outs], structure=output)


def ignore_errors(dataset: Dataset) -> Dataset:
    """Drops the elements whose computation fails (an ``errors.OpError``)."""
    return dataset._chain(lambda s, _env: ws.IgnoreErrors(s))


__all__ = ["unbatch", "sliding_window_batch", "group_by_window", "bucket_by_sequence_length",
           "scan", "ignore_errors"]
