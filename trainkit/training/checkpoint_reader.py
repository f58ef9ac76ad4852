"""Reading checkpoints by name: ``NewCheckpointReader``, ``list_variables``, ``load_variable``.

Every function accepts a checkpoint prefix or a directory (whose newest valid checkpoint,
per ``latest_checkpoint``, is used). ``describe_checkpoint`` gives the rows
``trainkit inspect CHECKPOINT`` prints.

Example:
    >>> reader = NewCheckpointReader("/ckpt/model.ckpt-300")
    >>> reader.get_variable_to_shape_map()
    {'dense/kernel': [784, 10], 'global_step': []}
    >>> list_variables("/ckpt")
    [('dense/kernel', [784, 10]), ('global_step', [])]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes
from trainkit.training import checkpoint_format as fmt
from trainkit.training import checkpoint_management as mgmt
from trainkit.training.saver import SAVEABLE_SUFFIX

_DT_NAMES = {"float16": "DT_HALF", "float32": "DT_FLOAT", "float64": "DT_DOUBLE",
             "int8": "DT_INT8", "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64",
             "uint8": "DT_UINT8", "uint16": "DT_UINT16", "uint32": "DT_UINT32",
             "uint64": "DT_UINT64", "bool": "DT_BOOL",
             "string": "DT_STRING"}


def resolve_checkpoint(ckpt_dir_or_file: str) -> str:
    """The checkpoint prefix for a prefix or a directory.

    Raises:
        ValueError: if a directory holds no valid checkpoint (as TF's ``load_checkpoint``).
    """
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        prefix = mgmt.latest_checkpoint(path)
        if prefix is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return prefix
    return path


def is_internal_state_key(name: str) -> bool:
    """True for the entries trainkit adds for exact resume (iterator positions, random-op
    generator states: ``<name>/.SAVEABLE...``); they are not variables, so the variable
    listings (``get_variable_to_shape_map``, ``list_variables``) leave them out."""
    return name.endswith(SAVEABLE_SUFFIX) or (SAVEABLE_SUFFIX + "/") in name


class CheckpointReader:
    """Reads one checkpoint's tensors by name (``tf.train.NewCheckpointReader``'s object).

    The index is read and validated once; each ``get_tensor`` reads and CRC-checks one
    tensor from the data file.
    """

    def __init__(self, prefix: str):
        self._prefix = os.fspath(prefix)
        try:
            self._index = fmt.read_index(self._prefix)
        except ValueError:
            raise errors.NotFoundError(
                None, None, f"Unsuccessful CheckpointReader constructor: Failed to find any "
                            f"matching files for {self._prefix}") from None

    @property
    def prefix(self) -> str:
        """The checkpoint prefix this reader reads."""
        return self._prefix

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        """Variable name -> shape as a list of ints (internal state entries left out)."""
        return {n: list(e.shape) for n, e in self._index.entries.items()
                if not is_internal_state_key(n)}

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        """Variable name -> ``DType`` (internal state entries left out)."""
        return {n: dtypes.as_dtype(e.dtype) for n, e in self._index.entries.items()
                if not is_internal_state_key(n)}

    def has_tensor(self, tensor_str: str) -> bool:
        """Whether the checkpoint holds ``tensor_str``."""
        return tensor_str in self._index.entries

    def get_tensor(self, tensor_str: str) -> np.ndarray:
        """The value of tensor ``tensor_str`` (CRC-checked).

        Raises:
            NotFoundError: if the checkpoint has no such tensor.
            DataLossError: if its bytes are damaged.
        """
        if tensor_str not in self._index.entries:
            raise errors.NotFoundError(
                None, None, f"Key {tensor_str} not found in checkpoint {self._prefix}")
        return fmt.read_tensors(self._index, [tensor_str])[tensor_str]

    def debug_string(self) -> bytes:
        """One ``name (DT_TYPE) [d0,d1]`` line per tensor, sorted by name, as bytes (as TF)."""
        lines = [f"{n} ({_DT_NAMES[e.dtype]}) [{','.join(map(str, e.shape))}]\n"
                 for n, e in sorted(self._index.entries.items())
                 if not is_internal_state_key(n)]
        return "".join(lines).encode("utf-8")


def NewCheckpointReader(filepattern: str) -> CheckpointReader:  # noqa: N802 - TF's name
    """A reader for a checkpoint prefix or a directory's newest valid checkpoint.

    Raises:
        NotFoundError: if the prefix is not a checkpoint (as TF).
        ValueError: if a directory holds no valid checkpoint.
        DataLossError: if the index is damaged.
    """
    return CheckpointReader(resolve_checkpoint(filepattern))


def load_checkpoint(ckpt_dir_or_file: str) -> CheckpointReader:
    """``NewCheckpointReader`` for a directory or a prefix (``tf.train.load_checkpoint``)."""
    return NewCheckpointReader(ckpt_dir_or_file)


def list_variables(ckpt_dir_or_file: str) -> list[tuple[str, list[int]]]:
    """Sorted ``(name, shape)`` pairs of a checkpoint (directory or prefix)."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def load_variable(ckpt_dir_or_file: str, name: str) -> np.ndarray:
    """One tensor's value from a checkpoint; a trailing ``:0`` on ``name`` is ignored (as TF).

    Raises:
        NotFoundError: naming ``name`` if the checkpoint does not hold it.
    """
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def describe_checkpoint(ckpt_dir_or_file: str, verify: bool = True) -> list[dict[str, Any]]:
    """The rows ``trainkit inspect`` prints: one dict per tensor, sorted by name.

    Each row has ``name``, ``dtype`` (trainkit name), ``shape`` (list), ``nbytes`` (stored
    bytes) and ``checksum`` (``'crc32:%08x'``).

    Args:
        ckpt_dir_or_file: a checkpoint prefix or a directory.
        verify: first check every tensor's checksum (raises ``DataLossError`` if damaged).

    Raises:
        ValueError: if the path is not a checkpoint / the directory has none.
        DataLossError: if the checkpoint is damaged.
    """
    prefix = resolve_checkpoint(ckpt_dir_or_file)
    index = fmt.verify_checkpoint(prefix) if verify else fmt.read_index(prefix)
    return [{"name": n, "dtype": e.dtype, "shape": list(e.shape), "nbytes": e.length,
             "checksum": f"crc32:{e.crc32:08x}"} for n, e in sorted(index.entries.items())]


__all__ = [
    "CheckpointReader", "NewCheckpointReader", "describe_checkpoint", "is_internal_state_key",
    "list_variables",
    "load_checkpoint", "load_variable", "resolve_checkpoint",
]
