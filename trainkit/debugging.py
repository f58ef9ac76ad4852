"""``tk.debugging``: run-time checks under their ``tf.compat.v1.debugging`` names."""

from __future__ import annotations

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
