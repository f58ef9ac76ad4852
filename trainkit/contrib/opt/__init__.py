"""``tk.contrib.opt``: TF 1.15's ``tf.contrib.opt`` optimizers that TF1 programs use.

Decoupled weight decay (``AdamWOptimizer``, ``MomentumWOptimizer``,
``extend_with_decoupled_weight_decay``, ``DecoupledWeightDecayExtension``), Adam's
variants (``LazyAdamOptimizer``, ``NadamOptimizer``, ``AdaMaxOptimizer``), the searched
optimizers ``AddSignOptimizer`` / ``PowerSignOptimizer`` with their sign-decay schedules,
``LARSOptimizer``, ``RegAdagradOptimizer`` and the wrappers ``MovingAverageOptimizer``,
``VariableClippingOptimizer`` and ``MultitaskOptimizerWrapper`` (with
``clip_gradients_by_global_norm``).

Example:
    >>> import trainkit as tf
    >>> opt = tf.contrib.opt.AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
"""

from trainkit.contrib.opt import training_ops  # noqa: F401 - registers the kernels
from trainkit.contrib.opt.adam_variants import (
    AdaMaxOptimizer,
    LazyAdamOptimizer,
    NadamOptimizer,
)
from trainkit.contrib.opt.lars_optimizer import LARSOptimizer
from trainkit.contrib.opt.moving_average_optimizer import MovingAverageOptimizer
from trainkit.contrib.opt.multitask_optimizer_wrapper import (
    MultitaskOptimizerWrapper,
    clip_gradients_by_global_norm,
)
from trainkit.contrib.opt.reg_adagrad_optimizer import RegAdagradOptimizer
from trainkit.contrib.opt.sign_decay import (
    get_cosine_decay_fn,
    get_linear_decay_fn,
    get_restart_decay_fn,
)
from trainkit.contrib.opt.sign_optimizers import AddSignOptimizer, PowerSignOptimizer
from trainkit.contrib.opt.variable_clipping_optimizer import VariableClippingOptimizer
from trainkit.contrib.opt.weight_decay_optimizers import (
    AdamWOptimizer,
    DecoupledWeightDecayExtension,
    MomentumWOptimizer,
    extend_with_decoupled_weight_decay,
)

__all__ = ["AdamWOptimizer", "MomentumWOptimizer", "DecoupledWeightDecayExtension",
           "extend_with_decoupled_weight_decay", "LazyAdamOptimizer", "NadamOptimizer",
           "AdaMaxOptimizer", "AddSignOptimizer", "PowerSignOptimizer",
           "get_linear_decay_fn", "get_cosine_decay_fn", "get_restart_decay_fn",
           "LARSOptimizer", "RegAdagradOptimizer", "MovingAverageOptimizer",
           "VariableClippingOptimizer", "MultitaskOptimizerWrapper",
           "clip_gradients_by_global_norm"]
