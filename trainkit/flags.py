"""``trainkit.flags`` (``tf.flags`` / ``tf.app.flags``). Re-exports only."""

from __future__ import annotations

from trainkit.platform.flag_validators import (
    mark_flag_as_required,
    mark_flags_as_required,
    register_validator,
    validator,
)
from trainkit.platform.flags import (
    FLAGS,
    DEFINE_bool,
    DEFINE_boolean,
    DEFINE_enum,
    DEFINE_float,
    DEFINE_integer,
    DEFINE_list,
    DEFINE_multi_float,
    DEFINE_multi_integer,
    DEFINE_multi_string,
    DEFINE_string,
    DuplicateFlagError,
    Error,
    Flag,
    FlagValues,
    IllegalFlagValueError,
    UnrecognizedFlagError,
    ValidationError,
)
