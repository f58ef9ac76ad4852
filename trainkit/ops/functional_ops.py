"""``map_fn``, ``scan``, ``foldl`` and ``foldr``: higher-order functions over the first
dimension of (nested) tensors, built on ``while_loop`` and ``TensorArray`` as in TF1, so
they work with lengths unknown when the graph is built and have gradients.

Example:
    >>> tk.map_fn(lambda x: x * x, tk.constant([1.0, 2.0, 3.0]))      # [1, 4, 9]
    >>> tk.scan(lambda a, x: a + x, tk.constant([1.0, 2.0, 3.0]))     # [1, 3, 6]
    >>> tk.foldl(lambda a, x: a + x, tk.constant([1, 2, 3]))          # 6
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.array_ops import shape as _shape
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.while_loop import while_loop


def _check_fn(fn: Any) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}.")


def _flat_elems(elems: Any, what: str) -> tuple[list[Tensor], Any, int | None]:
    flat = [conversion.convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
    if not flat:
        raise ValueError(f"{what}: elems must contain at least one tensor.")
    for e in flat:
        if e.shape.ndims == 0:
            raise ValueError(f"{what}: elems must be a 1+ dimensional Tensor, not a scalar "
                             f"({e.name}).")
    static = None
    for e in flat:
        if e.shape.ndims is not None and e.shape.as_list()[0] is not None:
            static = e.shape.as_list()[0]
            break
    n = static if static is not None else _shape(flat[0])[0]
    return flat, n, static


def _unstacked(flat: list[Tensor], n: Any) -> list[TensorArray]:
    return [TensorArray(e.dtype, size=n, dynamic_size=False, infer_shape=True,
                        element_shape=e.shape[1:] if e.shape.ndims else None).unstack(e)
            for e in flat]


def _stacked(tas: list[TensorArray], static: int | None) -> list[Tensor]:
    out = []
    for ta in tas:
        r = ta.stack()
        r.set_shape(TensorShape([static]).concatenate(ta.element_shape))
        out.append(r)
    return out


def map_fn(fn: Callable, elems: Any, dtype: Any = None, parallel_iterations: int | None = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: str | None = None) -> Any:
    """``fn`` applied to each ``elems[i]`` (nested elems are unstacked together), the
    results stacked.

    Args:
        fn: takes one element (the structure of ``elems``) and returns a structure of
            tensors matching ``dtype`` (default: the structure and dtypes of ``elems``).
        elems: a tensor or nested structure of tensors with the same first dimension.
        dtype: the output dtype(s) when they differ from ``elems``'s.

    Raises:
        TypeError: ``fn`` is not callable.
        ValueError: an element of ``elems`` is a scalar, or ``fn``'s result does not have
            the structure of ``dtype``.
    """
    _check_fn(fn)
    with name_scope(name, "map"):
        flat, n, static = _flat_elems(elems, "map_fn")
        out_dtypes = dtype if dtype is not None else nest.map_structure(lambda e: e.dtype,
                                                                        elems)
        dts = [_dt.as_dtype(d) for d in nest.flatten(out_dtypes)]
        in_tas = _unstacked(flat, n)
        accs = [TensorArray(d, size=n, dynamic_size=False, infer_shape=infer_shape)
                for d in dts]

        def body(i: Tensor, tas: list) -> tuple:
            x = nest.pack_sequence_as(elems, [ta.read(i) for ta in in_tas])
            y = fn(x)
            try:
                nest.assert_same_structure(out_dtypes, y, check_types=False)
            except (TypeError, ValueError) as e:
                raise ValueError(f"map_fn: fn's result does not match the structure of "
                                 f"dtype: {e}") from None
            return i + 1, [ta.write(i, v) for ta, v in zip(tas, nest.flatten(y))]

        _, accs = while_loop(lambda i, _: i < n, body, (0, accs),
                             parallel_iterations=parallel_iterations or 10,
                             back_prop=back_prop, swap_memory=swap_memory,
                             maximum_iterations=n)
        return nest.pack_sequence_as(out_dtypes, _stacked(accs, static))


def scan(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
         back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
         reverse: bool = False, name: str | None = None) -> Any:
    """The running results ``a_i = fn(a_{i-1}, elems[i])``, stacked.

    With ``initializer`` None, ``a_0 = elems[0]`` (and the output's first row is
    ``elems[0]``); ``reverse`` scans from the last element to the first (the output
    stays in ``elems``'s order).

    Raises:
        TypeError: ``fn`` is not callable.
        ValueError: a scalar element, or ``fn`` returning another structure than the
            accumulator's (``initializer``'s, else ``elems``'s).
    """
    _check_fn(fn)
    with name_scope(name, "scan"):
        flat, n, static = _flat_elems(elems, "scan")
        in_tas = _unstacked(flat, n)
        like, a0, start = _first_accumulator(elems, initializer, in_tas, n, reverse)
        accs = [TensorArray(a.dtype, size=n, dynamic_size=False, infer_shape=infer_shape,
                            element_shape=a.shape if infer_shape else None) for a in a0]
        if initializer is None:
            accs = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs, a0)]

        def body(i: Tensor, a: list, tas: list) -> tuple:
            x = nest.pack_sequence_as(elems, [ta.read(i) for ta in in_tas])
            out = fn(nest.pack_sequence_as(like, a), x)
            try:
                nest.assert_same_structure(like, out, check_types=False)
            except (TypeError, ValueError) as e:
                raise ValueError(f"scan: fn must return the accumulator's structure: "
                                 f"{e}") from None
            flat_out = [conversion.convert_to_tensor(v) for v in nest.flatten(out)]
            tas = [ta.write(i, v) for ta, v in zip(tas, flat_out)]
            return (i - 1 if reverse else i + 1), flat_out, tas

        if reverse:
            i0, cond = n - 1 - start, (lambda i, a, t: i >= 0)
        else:
            i0, cond = start, (lambda i, a, t: i < n)
        _, _, accs = while_loop(cond, body, (i0, a0, accs),
                                parallel_iterations=parallel_iterations,
                                back_prop=back_prop, swap_memory=swap_memory,
                                maximum_iterations=n)
        return nest.pack_sequence_as(like, _stacked(accs, static))


def _first_accumulator(elems: Any, initializer: Any, in_tas: list, n: Any,
                       reverse: bool) -> tuple[Any, list, int]:
    """The accumulator's structure, its first flat value and the first index to visit:
    the ``initializer`` and index 0 (n-1 reversed), or, without one, the first element
    of ``elems`` and the index after it."""
    if initializer is None:
        return elems, [ta.read(n - 1 if reverse else 0) for ta in in_tas], 1
    return initializer, [conversion.convert_to_tensor(a) for a in nest.flatten(initializer)], 0


def _fold(fn: Callable, elems: Any, initializer: Any, back_prop: bool, swap_memory: bool,
          parallel_iterations: int, reverse: bool, what: str) -> Any:
    _check_fn(fn)
    flat, n, _ = _flat_elems(elems, what)
    in_tas = _unstacked(flat, n)
    like, a0, start = _first_accumulator(elems, initializer, in_tas, n, reverse)

    def body(i: Tensor, a: list) -> tuple:
        x = nest.pack_sequence_as(elems, [ta.read(i) for ta in in_tas])
        out = fn(nest.pack_sequence_as(like, a), x)
        try:
            nest.assert_same_structure(like, out, check_types=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{what}: fn must return the accumulator's structure: "
                             f"{e}") from None
        flat_out = [conversion.convert_to_tensor(v) for v in nest.flatten(out)]
        return (i - 1 if reverse else i + 1), flat_out

    if reverse:
        i0, cond = n - 1 - start, (lambda i, a: i >= 0)
    else:
        i0, cond = start, (lambda i, a: i < n)
    _, a = while_loop(cond, body, (i0, a0), parallel_iterations=parallel_iterations,
                      back_prop=back_prop, swap_memory=swap_memory, maximum_iterations=n)
    return nest.pack_sequence_as(like, a)


def foldl(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """``fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n-1])`` (with no
    initializer, ``elems[0]`` starts the fold).

    Raises:
        TypeError: ``fn`` is not callable. ValueError: a scalar element.
    """
    with name_scope(name, "foldl"):
        return _fold(fn, elems, initializer, back_prop, swap_memory, parallel_iterations,
                     False, "foldl")


def foldr(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: str | None = None) -> Any:
    """Like :func:`foldl` from the last element to the first.

    Raises:
        TypeError: ``fn`` is not callable. ValueError: a scalar element.
    """
    with name_scope(name, "foldr"):
        return _fold(fn, elems, initializer, back_prop, swap_memory, parallel_iterations,
                     True, "foldr")


__all__ = ["map_fn", "scan", "foldl", "foldr"]
