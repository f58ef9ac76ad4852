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

from typing import Any as _Any

from trainkit import errors, nest
from trainkit import lazy_names as _lazy_names
from trainkit.autodiff import AggregationMethod, UnconnectedGradients, gradients
from trainkit.client.config_proto import GPUOptions, GraphOptions, OptimizerOptions
from trainkit.client.handles import TensorHandle
from trainkit.client.run_metadata import RunMetadata, RunOptions
from trainkit.client.session import ConfigProto, InteractiveSession, Session
from trainkit.framework.behavior import (
    control_flow_v2_enabled,
    disable_control_flow_v2,
    disable_eager_execution,
    disable_resource_variables,
    disable_tensor_equality,
    disable_v2_behavior,
    disable_v2_tensorshape,
    enable_control_flow_v2,
    enable_eager_execution,
    enable_resource_variables,
    enable_tensor_equality,
    enable_v2_behavior,
    enable_v2_tensorshape,
    executing_eagerly,
    executing_eagerly_outside_functions,
    resource_variables_enabled,
)
from trainkit.framework.constant_op import constant
from trainkit.framework.conversion import (
    convert_to_tensor,
    register_tensor_conversion_function,
)
from trainkit.framework.default_graph import colocate_with, container
from trainkit.framework.default_session import get_default_session
from trainkit.framework.dimension import Dimension, dimension_at_index, dimension_value
from trainkit.framework.dtypes import (
    QUANTIZED_DTYPES,
    DType,
    as_dtype,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    qint8,
    qint16,
    qint32,
    quint8,
    quint16,
    resource,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
    variant,
)
from trainkit.framework.dtypes import (
    bool_ as bool,  # noqa: A001 - TF's public name
)
from trainkit.framework.gradient_registration import (
    NoGradient,
    NotDifferentiable,
    RegisterGradient,
    no_gradient,
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
from trainkit.framework.indexed_slices import IndexedSlices, IndexedSlicesValue
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import autopacking as _autopacking  # lists holding Tensors convert by Pack
from trainkit.ops.array_extras import (
    argsort,
    broadcast_to,
    cumprod,
    depth_to_space,
    eye,
    lin_space,
    linspace,
    matrix_transpose,
    meshgrid,
    roll,
    sort,
    space_to_depth,
    unique,
)
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
from trainkit.ops.check_extras import (
    assert_integer,
    assert_near,
    assert_proper_iterable,
    assert_rank_at_least,
    assert_rank_in,
    assert_same_float_dtype,
    assert_variables_initialized,
    is_numeric_tensor,
)

# -- more op modules are imported below (one block per module) --------------------------
from trainkit.ops.check_ops import (
    Assert,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_less,
    assert_less_equal,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_scalar,
    assert_type,
    check_numerics,
    verify_tensor_all_finite,
)
from trainkit.ops.complex_ops import abs, angle, complex, conj, imag, real  # noqa: A004
from trainkit.ops.control_flow_ops import (  # noqa: A004 - TF's public name (tuple)
    case,
    cond,
    group,
    no_op,
    tuple,
)
from trainkit.ops.custom_gradient_ops import custom_gradient, make_template
from trainkit.ops.edit_distance_ops import edit_distance
from trainkit.ops.einsum_ops import einsum
from trainkit.ops.embedding_ops import unsorted_segment_sum

# -- loops: while_loop, TensorArray, map_fn/scan/foldl/foldr ------------------------------
from trainkit.ops.fake_quant_ops import (
    fake_quant_with_min_max_args,
    fake_quant_with_min_max_args_gradient,
    fake_quant_with_min_max_vars,
    fake_quant_with_min_max_vars_gradient,
    fake_quant_with_min_max_vars_per_channel,
    fake_quant_with_min_max_vars_per_channel_gradient,
)
from trainkit.ops.fft_ops import fft, fft2d, fft3d, ifft, ifft2d, ifft3d
from trainkit.ops.functional_ops import foldl, foldr, map_fn, scan
from trainkit.ops.graph_import import import_graph_def
from trainkit.ops.image_filters import extract_image_patches
from trainkit.ops.image_ops import random_crop
from trainkit.ops.init_extras import orthogonal_initializer, uniform_unit_scaling_initializer
from trainkit.ops.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    he_normal,
    he_uniform,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from trainkit.ops.linalg_factor_ops import cholesky, cholesky_solve, matrix_triangular_solve
from trainkit.ops.linalg_lstsq_ops import matrix_solve_ls
from trainkit.ops.linalg_matrix_functions import sqrtm as matrix_square_root
from trainkit.ops.linalg_ops import (
    cross,
    diag,
    diag_part,
    matrix_band_part,
    matrix_determinant,
    matrix_diag,
    matrix_diag_part,
    matrix_inverse,
    matrix_set_diag,
    matrix_solve,
    norm,
    qr,
    trace,
)
from trainkit.ops.linalg_spectral_ops import eigh as self_adjoint_eig
from trainkit.ops.linalg_spectral_ops import eigvalsh as self_adjoint_eigvals
from trainkit.ops.linalg_spectral_ops import svd
from trainkit.ops.logging_ops import Print
from trainkit.ops.logging_ops import print_v2 as print  # noqa: A004 - TF's public name
from trainkit.ops.math_extras import (
    count_nonzero,
    reduce_logsumexp,
    sequence_mask,
    tensordot,
)
from trainkit.ops.math_extras import divide_no_nan as div_no_nan
from trainkit.ops.math_more import (
    digamma,
    ensure_shape,
    histogram_fixed_width,
    is_non_decreasing,
    is_strictly_increasing,
    lgamma,
    parallel_stack,
    repeat,
    unique_with_counts,
    unravel_index,
)
from trainkit.ops.math_ops import (  # noqa: A004 - TF's public names (abs, pow, round)
    add_n,
    arg_max,
    arg_min,
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
    negative,
    not_equal,
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
    tanh,
    to_double,
    to_float,
    to_int32,
    to_int64,
    truediv,
    where,
)
from trainkit.ops.math_ops import floordiv as floor_div
from trainkit.ops.math_public import (  # noqa: A004 - TF's public names
    add,
    floormod,
    mod,
    multiply,
    pow,
    subtract,
)
from trainkit.ops.misc_more import lbeta
from trainkit.ops.misc_ops import (
    accumulate_n,
    batch_gather,
    bincount,
    clip_by_average_norm,
    confusion_matrix,
    identity_n,
    saturate_cast,
    scalar_mul,
    searchsorted,
    setdiff1d,
    shape_n,
    truncatediv,
    truncatemod,
    where_v2,
)
from trainkit.ops.nn_extras import log_sigmoid
from trainkit.ops.partitioned_variables import PartitionedVariable
from trainkit.ops.partitioners import (
    fixed_size_partitioner,
    min_max_variable_partitioner,
    variable_axis_size_partitioner,
)
from trainkit.ops.placeholders import placeholder, placeholder_with_default, sparse_placeholder
from trainkit.ops.quantize_ops import dequantize, quantize, quantize_v2
from trainkit.ops.quantized_concat_ops import quantized_concat
from trainkit.ops.random_more import random_gamma, random_poisson
from trainkit.ops.random_ops import (
    get_seed,
    multinomial,
    random_normal,
    random_shuffle,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from trainkit.ops.scatter_ops import (
    scatter_add,
    scatter_div,
    scatter_max,
    scatter_min,
    scatter_mul,
    scatter_nd_add,
    scatter_nd_sub,
    scatter_nd_update,
    scatter_sub,
    scatter_update,
    tensor_scatter_add,
    tensor_scatter_nd_add,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
    tensor_scatter_sub,
    tensor_scatter_update,
)
from trainkit.ops.script_ops import numpy_function, py_func
from trainkit.ops.script_ops import numpy_function as py_function
from trainkit.ops.segment_ops import (
    dynamic_partition,
    dynamic_stitch,
    segment_max,
    segment_mean,
    segment_min,
    segment_prod,
    segment_sum,
    unsorted_segment_max,
    unsorted_segment_mean,
    unsorted_segment_min,
    unsorted_segment_prod,
    unsorted_segment_sqrt_n,
)
from trainkit.ops.sequence_ops import reverse, reverse_sequence
from trainkit.ops.sequence_ops import reverse as reverse_v2
from trainkit.ops.session_ops import (
    delete_session_tensor,
    get_session_handle,
    get_session_tensor,
)
from trainkit.ops.shape_ops import invert_permutation
from trainkit.ops.slicing_ops import newaxis
from trainkit.ops.space_batch_ops import (
    batch_to_space,
    batch_to_space_nd,
    space_to_batch,
    space_to_batch_nd,
)
from trainkit.ops.special_functions import betainc, igamma, igammac, polygamma
from trainkit.ops.special_math_ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cosh,
    erf,
    erfc,
    expm1,
    rint,
    sinh,
    tan,
)
from trainkit.ops.string_hash_ops import (
    string_to_hash_bucket,
    string_to_hash_bucket_fast,
    string_to_hash_bucket_strong,
)
from trainkit.ops.string_ops import (
    as_string,
    reduce_join,
    regex_replace,
    string_join,
    string_split,
    string_to_number,
    substr,
)
from trainkit.ops.string_ops import strip as string_strip
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.tensor_checks import get_static_value, is_tensor
from trainkit.ops.tensor_proto_ops import (
    make_ndarray,
    make_tensor_proto,
    parse_tensor,
    serialize_tensor,
)
from trainkit.ops.while_loop import while_loop
from trainkit.sparse_names import *  # noqa: F403 - the tf.sparse_* names
from trainkit.training.clip_ops import clip_by_global_norm, clip_by_norm, global_norm
from trainkit.variable_names import *  # noqa: F403 - tf.Variable, get_variable, ...

LOGGER_NAMES = ("trainkit",)
__version__ = "0.1.0"

_LAZY_SUBMODULES = _lazy_names.SUBMODULES


def __getattr__(name: str) -> _Any:
    value = _lazy_names.resolve(name)  # AttributeError for unknown names
    globals()[name] = value
    return value
