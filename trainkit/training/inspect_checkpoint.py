"""``tensorflow.python.tools.inspect_checkpoint``: printing what a checkpoint holds.

The r1 "Save and Restore" guide inspects its checkpoint with
``print_tensors_in_checkpoint_file(prefix, tensor_name='', all_tensors=True)``: each
tensor's ``tensor: <name> (<dtype>) <shape>`` line and its value, then the parameter
count. Reading goes through :mod:`trainkit.training.checkpoint_reader`.

    >>> print_tensors_in_checkpoint_file("/tmp/model.ckpt", "v1", all_tensors=False)
    tensor: v1 (float32) [3]
    [1. 1. 1.]
    # Total number of params: 8
"""

from __future__ import annotations

import re

import numpy as np

from trainkit import errors
from trainkit.training.checkpoint_reader import CheckpointReader, NewCheckpointReader


def _count_total_params(reader: CheckpointReader, count_exclude_pattern: str = "") -> int:
    """The number of scalars in the checkpoint's tensors, leaving out (and reporting) the
    names ``count_exclude_pattern`` matches."""
    shapes = reader.get_variable_to_shape_map()
    if count_exclude_pattern:
        pattern = re.compile(count_exclude_pattern)
        excluded = [name for name in shapes if pattern.search(name)]
        dropped = sum(int(np.prod(shapes[name])) for name in excluded)
        print(f"# Excluding {len(excluded)} tensors ({dropped} params) that match "
              f"{count_exclude_pattern} when counting.")
        shapes = {k: v for k, v in shapes.items() if k not in set(excluded)}
    return sum(int(np.prod(shape)) for shape in shapes.values())


def _print_tensor(reader: CheckpointReader, name: str, with_value: bool) -> None:
    shape = reader.get_variable_to_shape_map()[name]
    dtype = reader.get_variable_to_dtype_map()[name]
    print(f"tensor: {name} ({dtype.name}) {shape}")
    if with_value:
        print(reader.get_tensor(name))


def print_tensors_in_checkpoint_file(file_name: str, tensor_name: str, all_tensors: bool,
                                     all_tensor_names: bool = False,
                                     count_exclude_pattern: str = "") -> None:
    """Prints the tensors of the checkpoint with prefix ``file_name``.

    With ``all_tensors`` (or ``all_tensor_names``) every tensor's name, dtype and shape
    in name order (and with ``all_tensors`` its value); otherwise ``tensor_name``'s, or
    with an empty ``tensor_name`` the reader's ``debug_string()``. Then the total number
    of parameters. As TF's tool, a checkpoint that cannot be read is reported by printing
    the error's message, not by raising.

    Args:
        file_name: the checkpoint prefix (``/tmp/model.ckpt``, not a ``.index`` file).
        tensor_name: the one tensor to print, or ``""``.
        all_tensors: print every tensor with its value.
        all_tensor_names: print every tensor's name, dtype and shape only.
        count_exclude_pattern: a regular expression of names the count leaves out.

    Example:
        >>> print_tensors_in_checkpoint_file("/tmp/model.ckpt", "", all_tensors=True)
    """
    try:
        reader = NewCheckpointReader(file_name)
        if all_tensors or all_tensor_names:
            for name in sorted(reader.get_variable_to_shape_map()):
                _print_tensor(reader, name, with_value=all_tensors)
        elif not tensor_name:
            print(reader.debug_string().decode("utf-8", errors="ignore"))
        elif not reader.has_tensor(tensor_name):
            print(f"Tensor {tensor_name} not found in checkpoint")
            return
        else:
            _print_tensor(reader, tensor_name, with_value=True)
        print(f"# Total number of params: "
              f"{_count_total_params(reader, count_exclude_pattern)}")
    except errors.OpError as e:
        print(str(e))


__all__ = ["print_tensors_in_checkpoint_file"]
