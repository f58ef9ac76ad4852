"""File ops used by TF1 input code: ``read_file``, ``write_file``, ``matching_files`` and
``train.match_filenames_once``.

Example:
    >>> contents = read_file("/data/a.png")
    >>> files = tf.train.match_filenames_once("/data/*.csv")   # a local variable
"""

from __future__ import annotations

import glob as _glob
import os
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import GraphKeys, get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.variables import Variable


def _path(v: Any) -> str:
    v = np.asarray(v, dtype=object).item()
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


@registry.register_kernel("TkReadFile", stateful=True)
def _read_file(ctx: registry.KernelContext, filename: Any) -> np.ndarray:
    path = _path(filename)
    try:
        with open(path, "rb") as f:
            return np.array(f.read(), dtype=object)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None


@registry.register_kernel("TkWriteFile", stateful=True)
def _write_file(ctx: registry.KernelContext, filename: Any, contents: Any) -> None:
    path = _path(filename)
    data = np.asarray(contents, dtype=object).item()
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None


@registry.register_kernel("TkMatchingFiles", stateful=True)
def _matching_files(ctx: registry.KernelContext, pattern: Any) -> np.ndarray:
    pats = [_path(p) for p in np.asarray(pattern, dtype=object).reshape(-1)]
    found = sorted({f for p in pats for f in _glob.glob(p)})
    out = np.empty(len(found), dtype=object)
    out[:] = [f.encode("utf-8") for f in found]
    return out


registry.not_differentiable("TkReadFile", "TkWriteFile", "TkMatchingFiles")


def read_file(filename: Any, name: str | None = None) -> Tensor:
    """The contents of a file as a string scalar (``tf.io.read_file``); a missing file is
    ``NotFoundError`` when run."""
    t = convert_to_tensor(filename, dtype=_dt.string, name="filename")
    return get_default_graph().create_op("TkReadFile", [t], [_dt.string],
                                         name=name or "ReadFile",
                                         shapes=[TensorShape([])]).outputs[0]


def write_file(filename: Any, contents: Any, name: str | None = None) -> Operation:
    """An op writing ``contents`` to ``filename`` (atomically; ``tf.io.write_file``)."""
    f = convert_to_tensor(filename, dtype=_dt.string, name="filename")
    c = convert_to_tensor(contents, dtype=_dt.string, name="contents")
    return get_default_graph().create_op("TkWriteFile", [f, c], [], name=name or "WriteFile")


def matching_files(pattern: Any, name: str | None = None) -> Tensor:
    """The sorted file names matching the glob(s) ``pattern`` (``tf.io.matching_files``)."""
    t = convert_to_tensor(pattern, dtype=_dt.string, name="pattern")
    return get_default_graph().create_op("TkMatchingFiles", [t], [_dt.string],
                                         name=name or "MatchingFiles",
                                         shapes=[TensorShape([None])]).outputs[0]


def match_filenames_once(pattern: Any, name: str | None = None) -> Variable:
    """A local variable holding the files matching ``pattern``, computed when local
    variables are initialized (``tf.train.match_filenames_once``)."""
    with name_scope(name, "matching_filenames") as scope:
        return Variable(matching_files(pattern), name=scope.rstrip("/").split("/")[-1],
                        trainable=False, validate_shape=False,
                        collections=[GraphKeys.LOCAL_VARIABLES])


__all__ = ["read_file", "write_file", "matching_files", "match_filenames_once"]
