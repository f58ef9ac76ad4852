"""``tf.contrib.slim.variables`` (``slim.variables.get_model_variables()``): the variable
helpers of ``tf.contrib.framework``, under slim's module name. Re-exports only."""

from __future__ import annotations

from trainkit.contrib.framework.assign_helpers import *  # noqa: F403
from trainkit.contrib.framework.assign_helpers import __all__ as _helpers_all
from trainkit.contrib.framework.variables import *  # noqa: F403
from trainkit.contrib.framework.variables import __all__ as _variables_all
from trainkit.training.training_util import assert_global_step

__all__ = [*_variables_all, *_helpers_all, "assert_global_step"]
