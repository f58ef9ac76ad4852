"""trainkit: TensorFlow-1-style graphs, sessions and monitored training loops on NumPy.

``import trainkit as tf`` runs TF1 code: the public names mirror ``tf.compat.v1``.

Example:
    >>> import trainkit as tk
    >>> a = tk.constant(2.0)
    >>> with tk.Session() as sess:
    ...     print(sess.run(a * 3.0))
    6.0
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from trainkit import errors, nest
from trainkit.client.handles import TensorHandle
from trainkit.client.run_metadata import RunMetadata, RunOptions
from trainkit.client.session import ConfigProto, InteractiveSession, Session
from trainkit.framework.constant_op import constant
from trainkit.framework.conversion import (
    convert_to_tensor,
    register_tensor_conversion_function,
)
from trainkit.framework.default_session import get_default_session
from trainkit.framework.dtypes import (
    DType,
    as_dtype,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
)
from trainkit.framework.dtypes import (
    bool_ as bool,  # noqa: A001 - TF's public name
)
from trainkit.framework.graph import (
    Graph,
    GraphKeys,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    get_name_scope,
    name_scope,
    reset_default_graph,
)
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.array_ops import (  # noqa: A004 - TF's public names (range, slice)
    boolean_mask,
    concat,
    expand_dims,
    fill,
    gather,
    gather_nd,
    identity,
    one_hot,
    ones,
    ones_like,
    pad,
    range,
    rank,
    reshape,
    scatter_nd,
    shape,
    size,
    slice,
    split,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    tile,
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from trainkit.ops.math_ops import (  # noqa: A004 - TF's public names (abs, pow, round)
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cast,
    ceil,
    clip_by_value,
    cos,
    cumsum,
    div,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    is_finite,
    is_inf,
    is_nan,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,
    realdiv,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    to_double,
    to_float,
    to_int32,
    to_int64,
    truediv,
    where,
)
from trainkit.ops.placeholders import placeholder, placeholder_with_default, sparse_placeholder
from trainkit.ops.session_ops import (
    delete_session_tensor,
    get_session_handle,
    get_session_tensor,
)
from trainkit.ops.shape_ops import invert_permutation
from trainkit.ops.slicing_ops import newaxis
from trainkit.ops.sparse_ops import sparse_tensor_to_dense

# -- more op modules are imported below (one block per module) --------------------------

LOGGER_NAMES = ("trainkit",)
__version__ = "0.1.0"

_LAZY_SUBMODULES = {
    "train", "summary", "data", "layers", "losses", "metrics", "nn", "initializers",
    "debugging", "sparse", "random", "math", "linalg", "client", "compat", "image",
    "keras", "saved_model", "io", "logging",
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY_SUBMODULES:
        try:
            mod = _importlib.import_module(f"trainkit.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"trainkit.{name}":
                raise AttributeError(f"module 'trainkit' has no attribute '{name}'") from None
            raise
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'trainkit' has no attribute '{name}'")
