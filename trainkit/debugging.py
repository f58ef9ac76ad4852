"""``tk.debugging``: run-time checks under their ``tf.compat.v1.debugging`` names."""

from __future__ import annotations

from trainkit.ops.assert_shapes import assert_shapes
from trainkit.ops.check_extras import (
    assert_integer,
    assert_near,
    assert_proper_iterable,
    assert_rank_at_least,
    assert_rank_in,
    assert_same_float_dtype,
    is_numeric_tensor,
)
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
)
from trainkit.ops.check_ops import verify_tensor_all_finite as assert_all_finite
from trainkit.ops.math_more import is_non_decreasing, is_strictly_increasing
from trainkit.ops.unary_ops import is_finite, is_inf, is_nan
