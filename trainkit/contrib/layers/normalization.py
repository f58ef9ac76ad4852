"""``batch_norm`` and ``layer_norm`` of ``tf.contrib.layers`` / ``slim``.

``batch_norm`` (scope ``BatchNorm``; ``decay=0.999``, ``scale=False`` by default) takes the
core path, ``tk.layers.batch_normalization`` with its updates in ``UPDATE_OPS``, when
``updates_collections`` is ``UPDATE_OPS``; otherwise the updates go to the given
collections, or with ``updates_collections=None`` run before the output (forced in place).
``fused`` (None means True, as in tf_slim) picks TF's fused kernel for ranks 2 and 4, which
updates the moving variance with the unbiased batch variance ``n / (n - 1) * var`` and
differentiates the batch statistics exactly (``nn_stats_extras.fused_moments``: second
derivatives match TF's); other ranks and ``fused=False`` use the biased variance and
``tf.nn.moments``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.contrib.framework.variables import model_variable
from trainkit.contrib.layers import utils
from trainkit.framework import conversion
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    control_flow_ops,
    init_ops,
    math_ops,
    nn_ops,
    nn_stats_extras,
    nn_stats_ops,
    state_ops,
)
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import normalization as core_bn
from trainkit.ops.static_value import constant_value
from trainkit.ops.variables import Variable


@add_arg_scope
def batch_norm(inputs: Any, decay: float = 0.999, center: bool = True, scale: bool = False,
               epsilon: float = 0.001, activation_fn: Callable | None = None,
               param_initializers: dict | None = None, param_regularizers: dict | None = None,
               updates_collections: Any = GraphKeys.UPDATE_OPS, is_training: Any = True,
               reuse: Any = None, variables_collections: Any = None,
               outputs_collections: Any = None, trainable: bool = True,
               batch_weights: Any = None, fused: Any = None, data_format: str = "NHWC",
               zero_debias_moving_mean: bool = False, scope: str | None = None,
               renorm: bool = False, renorm_clipping: Any = None, renorm_decay: float = 0.99,
               adjustment: Any = None) -> Tensor:
    """Batch normalization over all axes but the channel one (last, or 1 for NCHW), with
    model variables ``beta``, ``gamma`` (if ``scale``), ``moving_mean`` and
    ``moving_variance``.

    Raises:
        ValueError: for a bad ``data_format``, an unknown rank or channel dimension.
        NotImplementedError: for ``batch_weights``, ``renorm`` or ``adjustment``.
    """
    if batch_weights is not None or renorm or adjustment:
        raise NotImplementedError("batch_norm: batch_weights, renorm and adjustment are not "
                                  "supported.")
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    inits = param_initializers or {}
    regs = param_regularizers or {}
    getter = utils.ModelVariableGetter()
    with vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                           custom_getter=getter) as sc:
        x = conversion.convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {x.name} has undefined rank.")
        axis = 1 if data_format == "NCHW" else rank - 1
        fused = True if fused is None else bool(fused)
        fused_path = fused and rank in (2, 4) and (
            zero_debias_moving_mean or rank == 2 or updates_collections != GraphKeys.UPDATE_OPS)
        if not fused_path and updates_collections == GraphKeys.UPDATE_OPS and (
                rank != 4 or fused) and not zero_debias_moving_mean:
            y = core_bn.batch_normalization(
                x, axis=axis, momentum=decay, epsilon=epsilon, center=center, scale=scale,
                beta_initializer=inits.get("beta"), gamma_initializer=inits.get("gamma"),
                moving_mean_initializer=inits.get("moving_mean"),
                moving_variance_initializer=inits.get("moving_variance"),
                beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"),
                training=is_training, trainable=trainable, name=sc, reuse=reuse)
        else:
            y = _batch_norm_graph(x, axis, decay, center, scale, epsilon, inits, regs,
                                  updates_collections, is_training, trainable,
                                  unbiased=fused_path, zero_debias=zero_debias_moving_mean)
        for short, var in getter.made.items():
            utils.add_variable_to_collections(var, variables_collections, short)
        if activation_fn is not None:
            y = activation_fn(y)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


def _batch_norm_graph(x: Tensor, axis: int, decay: float, center: bool, scale: bool,
                      epsilon: float, inits: dict, regs: dict, updates_collections: Any,
                      is_training: Any, trainable: bool, unbiased: bool,
                      zero_debias: bool = False) -> Tensor:
    """TF's own batch-norm graph for updates outside UPDATE_OPS (or forced)."""
    rank = x.shape.ndims
    dims = x.shape.as_list()
    depth = dims[axis]
    if depth is None:
        raise ValueError(f"Inputs {x.name} has undefined channels dimension {depth}.")
    dt = x.dtype
    beta = gamma = None
    if center:
        beta = model_variable("beta", [depth], dtype=dt, initializer=inits.get(
            "beta", init_ops.zeros_initializer()), regularizer=regs.get("beta"),
            trainable=trainable)
    if scale:
        gamma = model_variable("gamma", [depth], dtype=dt, initializer=inits.get(
            "gamma", init_ops.ones_initializer()), regularizer=regs.get("gamma"),
            trainable=trainable)
    moving_mean = model_variable("moving_mean", [depth], dtype=dt, initializer=inits.get(
        "moving_mean", init_ops.zeros_initializer()), trainable=False)
    moving_var = model_variable("moving_variance", [depth], dtype=dt, initializer=inits.get(
        "moving_variance", init_ops.ones_initializer()), trainable=False)
    axes = [i for i in range(rank) if i != axis]
    known = constant_value(is_training) if not isinstance(is_training, bool) else is_training
    if known is not None and not bool(known):
        mean, var = moving_mean.value(), moving_var.value()
    else:
        mean, var = (nn_stats_extras.fused_moments if unbiased else nn_ops.moments)(x, axes)
        batch_var = var
        if unbiased:
            batch_var = var * _bessel_factor(x, axes)
        debias = _debias_variables(moving_mean) if zero_debias else None
        mean, var = _updates(is_training, known, decay, moving_mean, moving_var, mean, var,
                             batch_var, updates_collections, debias)
    if axis != rank - 1:
        shape = [1] * rank
        shape[axis] = depth
        mean, var = array_ops.reshape(mean, shape), array_ops.reshape(var, shape)
        beta = None if beta is None else array_ops.reshape(beta, shape)
        gamma = None if gamma is None else array_ops.reshape(gamma, shape)
    return nn_stats_ops.batch_normalization(x, mean, var, beta, gamma, epsilon)


def _bessel_factor(x: Tensor, axes: list[int]) -> Any:
    """``n / (n - 1)`` for the ``n`` values reduced per channel, as a Python float when the
    reduced dimensions are known, else computed from ``tf.shape(x)`` at run time (the
    fused kernel uses the run-time count: a ``[None, c]`` placeholder is corrected too)."""
    dims = x.shape.as_list()
    if all(dims[i] is not None for i in axes):
        n = 1
        for i in axes:
            n *= dims[i]
        return n / max(n - 1, 1)
    shape = math_ops.cast(array_ops.gather(array_ops.shape(x), axes), x.dtype)
    n = math_ops.reduce_prod(shape)
    return n / math_ops.maximum(n - 1.0, 1.0)


def _debias_variables(moving_mean: Variable) -> tuple[Variable, Variable]:
    """``moving_mean``'s zero-debias state, as TF's ``assign_moving_average(...,
    zero_debias=True)`` makes it: a ``biased`` average and a ``local_step`` count, zeros,
    non-trainable global variables (not model variables) under a variable scope named
    after the moving mean inside the current one (``BatchNorm/BatchNorm/moving_mean/
    biased``)."""
    g = get_default_graph()
    outer = vs.get_variable_scope().name
    scope = f"{outer}/{moving_mean.op.name}/" if outer else f"{moving_mean.op.name}/"
    dt = moving_mean.dtype.base_dtype
    with g.name_scope(scope), g.control_dependencies(None):
        biased = Variable(array_ops.zeros(moving_mean.shape.as_list(), dtype=dt),
                          trainable=False, name="biased")
        step = Variable(conversion.convert_to_tensor(0.0, dtype=dt), trainable=False,
                        name="local_step")
    return biased, step


def _updates(is_training: Any, known: Any, decay: float, moving_mean: Any, moving_var: Any,
             mean: Tensor, var: Tensor, batch_var: Tensor, updates_collections: Any,
             debias: tuple[Variable, Variable] | None = None) -> tuple[Tensor, Tensor]:
    """The moving-average updates, forced before the returned moments or collected; with
    ``debias`` the moving mean's is zero-debiased."""
    def assign_avg(v: Any, value: Tensor, name: str) -> Tensor:
        with get_default_graph().name_scope(name):
            if debias is None or v is not moving_mean:
                return state_ops.assign_sub(v, (v.value() - value) * (1.0 - decay))
            biased, step = debias
            new_biased = state_ops.assign_sub(biased, (biased.value() - value) * (1.0 - decay))
            new_step = state_ops.assign_add(step, 1.0)
            return state_ops.assign(v, new_biased / (1.0 - math_ops.pow(decay, new_step)))

    def moving() -> tuple[Tensor, Tensor]:
        return moving_mean.value(), moving_var.value()

    def cond(true_fn: Callable, false_fn: Callable) -> Any:
        if known is not None:
            return true_fn() if bool(known) else false_fn()
        return control_flow_ops.cond(conversion.convert_to_tensor(is_training), true_fn,
                                     false_fn)

    if updates_collections is None:
        def forced() -> tuple[Tensor, Tensor]:
            ups = [assign_avg(moving_mean, mean, "AssignMovingAvg"),
                   assign_avg(moving_var, batch_var, "AssignMovingAvg_1")]
            with control_dependencies(ups):
                return array_ops.identity(mean), array_ops.identity(var)
        return cond(forced, moving)

    def delayed() -> tuple[Tensor, Tensor]:
        return (assign_avg(moving_mean, mean, "AssignMovingAvg"),
                assign_avg(moving_var, batch_var, "AssignMovingAvg_1"))
    up_mean, up_var = cond(delayed, moving)
    g = get_default_graph()
    for key in [updates_collections] if isinstance(updates_collections, str) else \
            updates_collections:
        g.add_to_collection(key, up_mean)
        g.add_to_collection(key, up_var)
    return cond(lambda: (mean, var), moving)


@add_arg_scope
def layer_norm(inputs: Any, center: bool = True, scale: bool = True,
               activation_fn: Callable | None = None, reuse: Any = None,
               variables_collections: Any = None, outputs_collections: Any = None,
               trainable: bool = True, begin_norm_axis: int = 1, begin_params_axis: int = -1,
               scope: str | None = None) -> Tensor:
    """Normalizes over axes ``begin_norm_axis..`` (epsilon 1e-12) with model variables
    ``beta`` / ``gamma`` of shape ``inputs.shape[begin_params_axis:]`` (scope
    ``LayerNorm``).

    Raises:
        ValueError: for an unknown rank, an axis >= rank, or parameter dimensions not
            fully known.
    """
    with vs.variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        x = conversion.convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {x.name} has undefined rank.")
        if begin_norm_axis < 0:
            begin_norm_axis += rank
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(f"begin_params_axis ({begin_params_axis}) and begin_norm_axis "
                             f"({begin_norm_axis}) must be < rank(inputs) ({rank})")
        params_shape = x.shape.as_list()[begin_params_axis:]
        if any(d is None for d in params_shape):
            raise ValueError(f"Inputs {x.name}: shape(inputs)[{begin_params_axis}:] is not "
                             f"fully defined: {x.shape}")
        beta = gamma = None
        if center:
            beta = model_variable("beta", params_shape, dtype=x.dtype,
                                  initializer=init_ops.zeros_initializer(),
                                  collections=utils.get_variable_collections(
                                      variables_collections, "beta"), trainable=trainable)
        if scale:
            gamma = model_variable("gamma", params_shape, dtype=x.dtype,
                                   initializer=init_ops.ones_initializer(),
                                   collections=utils.get_variable_collections(
                                       variables_collections, "gamma"), trainable=trainable)
        mean, var = nn_ops.moments(x, list(range(begin_norm_axis, rank)), keep_dims=True)
        y = nn_stats_ops.batch_normalization(x, mean, var, beta, gamma, 1e-12)
        y.set_shape(x.shape)
        if activation_fn is not None:
            y = activation_fn(y)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


__all__ = ["batch_norm", "layer_norm"]
