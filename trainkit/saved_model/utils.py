"""``tf.compat.v1.saved_model.utils``: ``TensorInfo`` protos from tensors and back.

A ``TensorInfo`` names a graph tensor (or the three tensors of a ``SparseTensor``) with
its dtype and static shape; signatures map string keys to them.

Example:
    >>> info = build_tensor_info(x)            # name: "x:0", dtype: DT_FLOAT, shape [-1, 3]
    >>> get_tensor_from_tensor_info(info) is x
    True
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import graph_def as _graph_def
from trainkit.framework.graph import get_default_graph
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.sparse_tensor import SparseTensor


def build_tensor_info(tensor: Any) -> Any:
    """The ``TensorInfo`` proto of a ``Tensor`` or ``SparseTensor`` (a variable is
    described by its own output tensor, ``'w:0'``).

    Differs from TF: a variable's dtype is its value dtype (``DT_FLOAT``), not TF1's
    reference dtype (``DT_FLOAT_REF``); trainkit has no reference dtypes.

    Raises:
        TypeError: if ``tensor`` is not a tensor, sparse tensor or variable.
    """
    pb = protos()
    if isinstance(tensor, SparseTensor):
        info = pb.TensorInfo(dtype=tensor.dtype.as_datatype_enum,
                             tensor_shape=_graph_def.shape_proto(tensor.get_shape()))
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
        return info
    if not all(hasattr(tensor, a) for a in ("name", "dtype", "get_shape")):
        raise TypeError(f"build_tensor_info expects a Tensor or SparseTensor, got "
                        f"{type(tensor).__name__}: {tensor!r}.")
    return pb.TensorInfo(name=tensor.name, dtype=tensor.dtype.base_dtype.as_datatype_enum,
                         tensor_shape=_graph_def.shape_proto(tensor.get_shape()))


def _scoped(name: str, import_scope: str | None) -> str:
    return f"{import_scope}/{name}" if import_scope else name


def get_tensor_from_tensor_info(tensor_info: Any, graph: Any = None,
                                import_scope: str | None = None) -> Any:
    """The ``Tensor`` or ``SparseTensor`` of ``graph`` (default: the default graph) that
    ``tensor_info`` describes, its names prefixed with ``import_scope/`` when given.

    Raises:
        KeyError: if a named tensor is not in the graph.
        ValueError: if ``tensor_info`` has neither a name nor a ``coo_sparse`` encoding.
    """
    g = graph or get_default_graph()
    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return g.get_tensor_by_name(_scoped(tensor_info.name, import_scope))
    if encoding == "coo_sparse":
        coo = tensor_info.coo_sparse
        return SparseTensor(
            g.get_tensor_by_name(_scoped(coo.indices_tensor_name, import_scope)),
            g.get_tensor_by_name(_scoped(coo.values_tensor_name, import_scope)),
            g.get_tensor_by_name(_scoped(coo.dense_shape_tensor_name, import_scope)))
    raise ValueError(f"Invalid TensorInfo.encoding: {encoding}. Expected `coo_sparse` or "
                     "`name` for a dense tensor.")


__all__ = ["build_tensor_info", "get_tensor_from_tensor_info"]
