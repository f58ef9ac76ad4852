"""What ``Model.compile`` builds in the graph, as tf_keras's v1 ``compile`` does: one
target placeholder per output (``dense_1_target``, the output's dtype and rank), a
sample-weight placeholder per output (``dense_1_sample_weights``, ones unless fed), the
total loss (each output's per-example loss times its sample weights, summed and divided
by its element count, or by its unmasked count when the output carries a mask, times its
loss weight, plus the layers' regularization losses), the metrics' per-batch sums and
counts (weighted by the mask, and ``weighted_metrics`` by the sample weights too), and,
on first use, the train op (``training/<Optimizer>/...``).

Metric names are TF1's (tf_keras under ``disable_v2_behavior``, and TF 1.x): ``'acc'``
for ``'accuracy'``/``'acc'``, else the function's ``__name__`` (``'mse'`` is
``'mean_squared_error'``), one metric per name; with several outputs they are prefixed
with the output layer's name. ``'accuracy'``/``'acc'`` resolve as tf_keras
resolves them: binary accuracy for a one-unit output or binary cross-entropy, sparse
categorical accuracy for sparse categorical cross-entropy, categorical otherwise.

Example:
    >>> graph = build(model, ["sparse_categorical_crossentropy"], [["accuracy"]], [1.0])
    >>> graph.metrics_names
    ['loss', 'acc']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainkit import nest
from trainkit.framework import constant_op, default_graph, topo
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Operation, Tensor
from trainkit.keras import loss_classes, sequence_masks
from trainkit.keras import losses as losses_mod
from trainkit.keras import metrics as metrics_mod
from trainkit.keras import sample_weights as sample_weights_mod
from trainkit.ops import array_ops, control_flow_ops, math_ops, placeholders


@dataclass
class MetricSpec:
    """One metric: its name, per-batch value sum and element count tensors, and whether
    it averages over batches (per-output losses) rather than over examples."""

    name: str
    total: Tensor
    count: Tensor
    per_batch: bool = False


@dataclass
class CompiledGraph:
    """The tensors the fit/evaluate loops run."""

    targets: list
    loss_fns: list
    total_loss: Tensor
    # One ``<output>_sample_weights`` placeholder per output with a loss (None without),
    # ones when not fed: ``[batch]``, or ``[batch, steps]`` for 'temporal' outputs.
    sample_weights: list = field(default_factory=list)
    sample_weight_modes: list = field(default_factory=list)
    metrics: list[MetricSpec] = field(default_factory=list)
    train_op: Operation | None = None
    # The weights trainable and the updates run when compiled: tf_keras trains with the
    # trainable state of compile time (a GAN's discriminator compiled, then frozen for
    # the combined model, still trains and updates its statistics in its own
    # train_on_batch; the combined model does neither to it).
    trainable_weights: list = field(default_factory=list)
    updates: list = field(default_factory=list)

    @property
    def metrics_names(self) -> list[str]:
        return ["loss"] + [m.name for m in self.metrics]


def per_output(value: Any, outputs: list, output_names: list, what: str) -> list:
    """``value`` spread over the outputs: one value for all, a list (one per output) or a
    dict keyed by output layer name.

    Raises:
        ValueError: for a list of the wrong length or a dict naming an unknown output.
    """
    n = len(outputs)
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(output_names))
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected "
                             f"following keys: {output_names}")
        return [value.get(name) for name in output_names]
    if isinstance(value, list | tuple) and what != "metrics":
        if len(value) != n:
            raise ValueError(f"When passing a list as {what}, it should have one entry per "
                             f"model outputs. The model has {n} outputs, but you passed "
                             f"{what}={value}")
        return list(value)
    if what == "metrics" and isinstance(value, list | tuple) and value and \
            all(isinstance(v, list | tuple) for v in value) and len(value) == n:
        return [list(v) for v in value]
    return [value] * n


def _loss_name(fn: Any) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def resolve_metric(metric: Any, loss_fn: Any, output: Tensor) -> tuple[str, Any]:
    """``(name, per-example function)`` for one metric of one output.

    Raises:
        ValueError: for an unknown metric name.
    """
    if metric in ("accuracy", "acc"):
        last = output.shape.as_list()[-1] if output.shape.ndims else None
        loss_fn = losses_mod.unwrap(loss_fn)
        if last == 1 or loss_fn is losses_mod.binary_crossentropy:
            return "acc", metrics_mod.binary_accuracy
        if loss_fn is losses_mod.sparse_categorical_crossentropy:
            return "acc", metrics_mod.sparse_categorical_accuracy
        return "acc", metrics_mod.categorical_accuracy
    fn = metrics_mod.get(metric)
    return _loss_name(fn), fn


def _output_loss(fn: Any, target: Tensor, output: Tensor, weight: Tensor,
                 mask: Tensor | None) -> Tensor:
    """One output's loss: the per-example values times ``weight``, reduced by a ``Loss``
    object's own ``reduction`` (``'auto'`` is ``'sum_over_batch_size'``), else summed and
    divided by their number (not by the sum of the weights, as tf_keras). With an output
    ``mask`` (a Masking/Embedding mask carried to the output) the masked entries weigh 0
    and a mean divides by the unmasked count instead (tf_keras's ``apply_valid_mask``).

    Differs from TF: ``reduction='none'`` is refused here; tf_keras builds a vector loss
    whose ``fit`` then fails on the first uneven batch with a NumPy broadcast error.

    Raises:
        ValueError: for a ``Loss`` with ``reduction='none'``.
    """
    if isinstance(fn, losses_mod.Loss):
        reduction = fn.reduction
        if reduction == losses_mod.Reduction.NONE:
            raise ValueError(f"compile: loss {fn.name or type(fn).__name__!r} has reduction "
                             "'none'; fit needs a scalar loss, use 'sum' or "
                             "'sum_over_batch_size'.")
        if reduction == losses_mod.Reduction.AUTO:
            reduction = losses_mod.Reduction.SUM_OVER_BATCH_SIZE
        values = fn.call(target, output)
    else:
        reduction, values = losses_mod.Reduction.SUM_OVER_BATCH_SIZE, fn(target, output)
    if mask is not None:
        m = math_ops.cast(mask, values.dtype)
        if reduction == losses_mod.Reduction.SUM_OVER_BATCH_SIZE:
            total = math_ops.cast(array_ops.size(m), m.dtype)
            m = m * (total / math_ops.reduce_sum(m))
        weight = _fit_rank(math_ops.cast(weight, m.dtype), m) * m
    return loss_classes.compute_weighted_loss(values, weight, reduction)


def _weight_placeholder(name: str, mode: Any) -> Tensor:
    """tf_keras's ``<output>_sample_weights``: ones unless fed."""
    temporal = mode == "temporal"
    ones = constant_op.constant([[1.0]] if temporal else [1.0], _dt.float32)
    return placeholders.placeholder_with_default(ones, [None, None] if temporal else [None],
                                                 name=f"{name}_sample_weights")


def _fit_rank(weight: Tensor, values: Tensor) -> Tensor:
    """``weight`` with a trailing axis dropped or added when its rank is one above or
    below ``values``' (tf_keras's ``squeeze_or_expand_dimensions``)."""
    w_rank, v_rank = weight.shape.ndims, values.shape.ndims
    if w_rank is not None and v_rank is not None:
        if w_rank - v_rank == 1:
            weight = array_ops.squeeze(weight, [-1])
        elif v_rank - w_rank == 1:
            weight = array_ops.expand_dims(weight, -1)
    return weight


def _broadcast_weight(weight: Tensor, values: Tensor) -> Tensor:
    """``weight`` fitted to ``values``' rank and broadcast to their shape (tf_keras's
    metric weighting)."""
    return _fit_rank(weight, values) * array_ops.ones_like(values)


def _output_mask(output: Tensor) -> Tensor | None:
    """The mask ``output`` carries: one per entry of all but its last axis (a sequence
    output's ``[batch, steps]``). A mask of another rank was recorded upstream of a layer
    that drops it (an RNN without ``return_sequences``) and does not apply."""
    mask = sequence_masks.get_mask(output)
    if mask is None or mask.shape.ndims is None or output.shape.ndims is None:
        return None
    return mask if mask.shape.ndims == output.shape.ndims - 1 else None


def _metric_weight(weight: Tensor | None, mask: Tensor | None) -> Tensor | None:
    """A metric's weights: the sample weights (weighted metrics), the output's mask, or
    both multiplied (tf_keras's ``call_metric_function``)."""
    if mask is None:
        return weight
    m = math_ops.cast(mask, _dt.float32)
    return m if weight is None else _fit_rank(weight, m) * m


def _metric_lists(metrics: Any, outputs: list, names: list) -> list:
    return per_output(metrics if isinstance(metrics, dict) else list(metrics or []),
                      outputs, names, "metrics")


def build(model: Any, loss: Any, metrics: Any, loss_weights: Any,
          weighted_metrics: Any = None, sample_weight_mode: Any = None) -> CompiledGraph:
    """Builds the targets, sample weights, total loss and metric tensors for ``model``'s
    outputs. Weighted metrics (named ``weighted_<metric>``) follow each output's
    unweighted ones: the sum of ``values * weight`` over the sum of the weights.

    Raises:
        ValueError: for a missing loss, an unknown loss/metric name or a bad
            ``sample_weight_mode``.
    """
    outputs = list(model.outputs)
    names = model.output_names
    loss_fns = [losses_mod.for_compile(x) if x is not None else None
                for x in per_output(loss, outputs, names, "loss")]
    if all(f is None for f in loss_fns) and not model.losses:
        raise ValueError("The model cannot be compiled because it has no loss to optimize.")
    weights = per_output(1.0 if loss_weights is None else loss_weights, outputs, names,
                         "loss_weights")
    metric_lists = _metric_lists(metrics, outputs, names)
    weighted_lists = _metric_lists(weighted_metrics, outputs, names)
    modes = per_output(sample_weight_mode, outputs, names, "sample_weight_mode")
    for mode in modes:
        sample_weights_mod.check_mode(mode)
    graph = default_graph.get_default_graph()
    targets, out_losses, weights_in = [], [], []
    masks = [_output_mask(out) for out in outputs]
    for out, name, fn, mode, mask in zip(outputs, names, loss_fns, modes, masks):
        ndim = out.shape.ndims if out.shape.ndims is not None else 2
        targets.append(placeholders.placeholder(out.dtype.base_dtype, [None] * ndim,
                                                name=f"{name}_target"))
        if fn is None:
            out_losses.append(None)
            weights_in.append(None)
            continue
        weights_in.append(_weight_placeholder(name, mode))
        with graph.name_scope("loss"):
            out_losses.append(_output_loss(fn, targets[-1], out, weights_in[-1], mask))
    total = None
    with graph.name_scope("loss"):
        for w, ol in zip(weights, out_losses):
            if ol is not None:
                term = ol * float(w if w is not None else 1.0)
                total = term if total is None else total + term
        reg = list(model.losses)   # regularizers' and add_loss's
        if reg:
            extra = math_ops.add_n([math_ops.cast(r, _dt.float32) for r in reg])
            total = extra if total is None else total + math_ops.cast(extra, total.dtype)
    specs: list[MetricSpec] = []
    multi = len(outputs) > 1
    if multi:
        for name, ol in zip(names, out_losses):
            if ol is not None:
                specs.append(MetricSpec(f"{name}_loss", ol, _one(), per_batch=True))
    with graph.name_scope("metrics"):
        for i, (out, name, fn, target) in enumerate(zip(outputs, names, loss_fns, targets)):
            if fn is None:
                continue
            for mlist, weight in ((metric_lists[i], None), (weighted_lists[i], weights_in[i])):
                _add_metrics(specs, mlist, weight is not None, _metric_weight(weight, masks[i]),
                             out, fn, target, name if multi else None)
    return CompiledGraph(targets, loss_fns, total, metrics=specs, sample_weights=weights_in,
                         sample_weight_modes=modes,
                         trainable_weights=list(model.trainable_weights),
                         updates=relevant_updates(model.updates, model.inputs))


def _add_metrics(specs: list, mlist: Any, weighted: bool, weight: Tensor | None,
                 out: Tensor, fn: Any, target: Tensor, prefix: str | None) -> None:
    """Appends one output's metrics (one per name, as TF1; a name already taken by
    another output's metric gets ``_1``, ``_2``...)."""
    seen: set[str] = set()
    for metric in nest.flatten(mlist) if mlist else []:
        mname, mfn = resolve_metric(metric, fn, out)
        if weighted:
            mname = f"weighted_{mname}"
        if mname in seen:
            continue
        seen.add(mname)
        full = f"{prefix}_{mname}" if prefix else mname
        taken = {s.name for s in specs} | {"loss"}
        base, j = full, 1
        while full in taken:
            full, j = f"{base}_{j}", j + 1
        values = math_ops.cast(mfn(math_ops.cast(target, out.dtype), out), _dt.float32)
        if weight is None:
            specs.append(MetricSpec(full, math_ops.reduce_sum(values),
                                    math_ops.cast(array_ops.size(values), _dt.float32)))
            continue
        w = _broadcast_weight(weight, values)
        specs.append(MetricSpec(full, math_ops.reduce_sum(values * w), math_ops.reduce_sum(w)))


def _one() -> Tensor:
    return constant_op.constant(1.0, _dt.float32)


def make_train_op(model: Any, compiled: CompiledGraph, optimizer: Any) -> Operation:
    """The op of one training step, in ``training/``: the optimizer's updates on the
    weights that were trainable when the model was compiled, and the layers' own updates
    (BatchNormalization's moving averages) of the layers trainable then.

    A model with no trainable weights (frozen, or weightless) trains nothing: its step
    only computes the loss and metrics, as tf_keras's does.
    """
    params = compiled.trainable_weights
    graph = default_graph.get_default_graph()
    with graph.name_scope("training"):
        updates = optimizer.get_updates(compiled.total_loss, params) if params else []
        updates += compiled.updates
        return control_flow_ops.group(*updates)


def relevant_updates(updates: list, inputs: list) -> list:
    """The updates a model's train step runs (tf_keras's ``get_updates_for(None)`` and
    ``get_updates_for(model.inputs)``): those computed from the model's inputs, and
    those computed from no placeholder at all; not those of a layer's calls on other
    inputs (a ``Sequential``'s own ``Input`` when it is nested in another model)."""
    input_ops = {t.op for t in inputs or []}
    keep = []
    for u in updates:
        op = u.op if isinstance(u, Tensor) else u
        feeds = {o for o in topo.prune([], [op]) if o.type in _PLACEHOLDERS}
        others = feeds - input_ops
        if feeds & input_ops or all(o.name.endswith("keras_learning_phase") for o in others):
            keep.append(u)
    return keep


_PLACEHOLDERS = frozenset({"Placeholder", "PlaceholderV2", "PlaceholderWithDefault"})


__all__ = ["CompiledGraph", "MetricSpec", "build", "make_train_op", "relevant_updates",
           "per_output", "resolve_metric"]
