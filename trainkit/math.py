"""``tk.math``: the math ops under their ``tf.compat.v1.math`` names."""

from __future__ import annotations

from trainkit.ops.array_extras import cumprod
from trainkit.ops.bessel_ops import (
    bessel_i0,
    bessel_i0e,
    bessel_i1,
    bessel_i1e,
    erfcinv,
    nextafter,
)
from trainkit.ops.complex_ops import abs, angle, complex, conj, imag, real  # noqa: A004
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.math_extras import (
    count_nonzero,
    divide_no_nan,
    l2_normalize,
    reduce_logsumexp,
    reduce_std,
    reduce_variance,
)
from trainkit.ops.math_more import (
    digamma,
    is_non_decreasing,
    is_strictly_increasing,
    lgamma,
    multiply_no_nan,
    polyval,
    reciprocal_no_nan,
    reduce_euclidean_norm,
    xdivy,
    xlogy,
)
from trainkit.ops.math_ops import (  # noqa: A004 - TF's public names
    add_n,
    argmax,
    argmin,
    ceil,
    cos,
    cumsum,
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
    truediv,
)
from trainkit.ops.math_public import (  # noqa: A004 - TF's public names
    add,
    floormod,
    mod,
    multiply,
    pow,
    subtract,
)
from trainkit.ops.misc_more import cumulative_logsumexp, erfinv, lbeta, ndtri, xlog1py
from trainkit.ops.misc_ops import accumulate_n, bincount, confusion_matrix, scalar_mul
from trainkit.ops.nn_activations import log_softmax, softmax, softplus, softsign
from trainkit.ops.nn_extras import log_sigmoid
from trainkit.ops.nn_stats_ops import zero_fraction
from trainkit.ops.segment_ops import (
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
from trainkit.ops.shape_ops import invert_permutation
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
from trainkit.ops.top_k_ops import in_top_k, top_k

__all__ = [
    "abs", "angle", "complex", "conj", "imag", "real", "add", "add_n", "argmax", "argmin",
    "ceil", "cos", "cumsum", "divide", "equal",
    "exp", "floor", "floordiv", "floormod", "greater", "greater_equal", "is_finite", "is_inf",
    "is_nan", "less", "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or",
    "logical_xor", "maximum", "minimum", "mod", "multiply", "negative", "not_equal", "pow",
    "realdiv", "reciprocal", "reduce_all", "reduce_any", "reduce_max", "reduce_mean",
    "reduce_min", "reduce_prod", "reduce_sum", "round", "rsqrt", "sigmoid", "sign", "sin",
    "sqrt", "square", "squared_difference", "subtract", "tanh", "truediv",
    "unsorted_segment_sum", "in_top_k", "top_k", "count_nonzero", "divide_no_nan",
    "l2_normalize", "reduce_logsumexp", "reduce_std", "reduce_variance", "log_softmax",
    "softplus", "softsign", "softmax", "log_sigmoid", "zero_fraction", "invert_permutation",
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cosh", "erf", "erfc",
    "expm1", "rint", "sinh", "tan", "cumprod", "segment_max", "segment_mean", "segment_min",
    "segment_sum", "segment_prod", "unsorted_segment_prod", "unsorted_segment_max",
    "unsorted_segment_mean", "unsorted_segment_min",
    "unsorted_segment_sqrt_n", "accumulate_n", "bincount", "confusion_matrix", "scalar_mul",
    "digamma", "is_non_decreasing", "is_strictly_increasing", "lgamma", "multiply_no_nan",
    "polyval", "reciprocal_no_nan", "reduce_euclidean_norm", "xdivy", "xlogy",
    "cumulative_logsumexp", "erfinv", "lbeta", "ndtri", "xlog1py",
    "betainc", "igamma", "igammac", "polygamma",
]
