"""Iterators not bound to one dataset (TF1's "reinitializable" and "feedable" iterators):

* ``Iterator.from_structure(types, shapes)`` + ``make_initializer(dataset)``: one
  ``get_next()`` that each initializer restarts on a different dataset of the same
  element structure (training and validation sets, say);
* ``Iterator.from_string_handle(handle, types, shapes)``: ``get_next()`` reads from
  whichever iterator the fed ``handle`` names — the value of that iterator's
  ``string_handle()`` in the same session.

A handle is the session-resource key of the iterator (``b"iterator:<name>"``); it is
only meaningful in the session that produced it, as in TF.

Example:
    >>> handle = tk.placeholder(tk.string, shape=[])
    >>> it = tk.data.Iterator.from_string_handle(handle, train.output_types,
    ...                                          train.output_shapes)
    >>> train_handle = sess.run(train.make_one_shot_iterator().string_handle())
    >>> sess.run(it.get_next(), feed_dict={handle: train_handle})
"""

from __future__ import annotations

from typing import Any

from trainkit import errors, nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys
from trainkit.framework.shapes import TensorShape


def _shapes_up_to(types: Any, shapes: Any, out: list) -> None:
    """The shapes of ``shapes`` at the leaves of ``types`` (a shape may itself be a list
    like ``[None, 784]``, so the shapes cannot simply be flattened)."""
    if not nest.is_nested(types):
        out.append(shapes if isinstance(shapes, TensorShape) else TensorShape(shapes))
        return
    if not nest.is_nested(shapes) or len(shapes) != len(types) or \
            isinstance(types, dict) != isinstance(shapes, dict):
        raise ValueError(f"output_shapes {shapes} do not match the structure of "
                         f"output_types {types}.")
    if isinstance(types, dict):
        for k in nest.sorted_keys(types):
            _shapes_up_to(types[k], shapes[k], out)
    else:
        for t, sh in zip(types, shapes):
            _shapes_up_to(t, sh, out)


def _specs(output_types: Any, output_shapes: Any) -> list:
    types = [_dt.as_dtype(t) for t in nest.flatten(output_types)]
    shapes: list = []
    if output_shapes is None:
        shapes = [TensorShape(None)] * len(types)
    else:
        _shapes_up_to(output_types, output_shapes, shapes)
    return list(zip(types, shapes))


def structure_specs(output_types: Any, output_shapes: Any = None) -> list:
    """``[(dtype, TensorShape)]`` for the leaves of ``output_types`` (for
    :meth:`Iterator.from_structure` and :meth:`Iterator.from_string_handle`)."""
    return _specs(output_types, output_shapes)


def handle_tensor(string_handle: Any) -> Any:
    """``string_handle`` as a string tensor.

    Raises:
        TypeError: if ``string_handle`` is not a string tensor.
    """
    handle = conversion.convert_to_tensor(string_handle, name="string_handle")
    if handle.dtype is not _dt.string:
        raise TypeError(f"from_string_handle: string_handle must be a tf.string tensor, got "
                        f"{handle.dtype.name}.")
    return handle


def check_compatible(iterator: Any, dataset: Any) -> None:
    """Raises TypeError unless ``dataset``'s elements fit ``iterator``'s structure."""
    try:
        nest.assert_same_structure(iterator._structure, dataset._structure)
    except (TypeError, ValueError) as e:
        raise TypeError(f"Expected output structure {iterator.output_types} but got dataset "
                        f"with output structure {dataset.output_types}.") from e
    mine = [dt for dt, _ in iterator._specs]
    theirs = [dt for dt, _ in dataset._specs]
    if mine != theirs:
        raise TypeError(f"Expected output types {iterator.output_types} but got dataset with "
                        f"output types {dataset.output_types}.")
    for (_, want), (_, got) in zip(iterator._specs, dataset._specs):
        if not want.is_compatible_with(got):
            raise TypeError(f"Expected output shapes compatible with "
                            f"{iterator.output_shapes} but got dataset with output shapes "
                            f"{dataset.output_shapes}.")


def resolve(iterator: Any, handle: Any) -> str:
    """The resource key the fed handle names, checked against ``iterator``'s types.

    Raises:
        InvalidArgumentError: for a handle of no iterator of this graph, or one whose
            element types differ.
    """
    raw = handle.item() if hasattr(handle, "item") else handle
    key = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    for other in iterator._graph.get_collection(GraphKeys.SAVEABLE_OBJECTS):
        if getattr(other, "key", None) == key and hasattr(other, "_specs"):
            if [dt for dt, _ in other._specs] != [dt for dt, _ in iterator._specs]:
                raise errors.InvalidArgumentError(
                    None, None, f"The iterator named by the handle {key!r} yields "
                                f"{other.output_types}, expected {iterator.output_types}.")
            return key
    raise errors.InvalidArgumentError(None, None, f"Invalid iterator handle {raw!r}: no "
                                                  f"iterator of this graph has it.")
