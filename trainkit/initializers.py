"""``tk.initializers``: initializer classes and variable-initializer ops under their
``tf.compat.v1.initializers`` names."""

from __future__ import annotations

from trainkit.ops.init_extras import Identity as identity
from trainkit.ops.init_extras import Orthogonal as orthogonal
from trainkit.ops.init_extras import UniformUnitScaling as uniform_unit_scaling
from trainkit.ops.init_ops import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    Initializer,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)
from trainkit.ops.init_ops import Constant as constant
from trainkit.ops.init_ops import GlorotNormal as glorot_normal
from trainkit.ops.init_ops import GlorotUniform as glorot_uniform
from trainkit.ops.init_ops import Ones as ones
from trainkit.ops.init_ops import RandomNormal as random_normal
from trainkit.ops.init_ops import RandomUniform as random_uniform
from trainkit.ops.init_ops import TruncatedNormal as truncated_normal
from trainkit.ops.init_ops import VarianceScaling as variance_scaling
from trainkit.ops.init_ops import Zeros as zeros
from trainkit.ops.state_ops import global_variables_initializer as global_variables
from trainkit.ops.state_ops import local_variables_initializer as local_variables
from trainkit.ops.state_ops import tables_initializer
from trainkit.ops.state_ops import variables_initializer as variables
