"""TF1 input producers: ``input_producer``, ``string_input_producer``,
``range_input_producer``, ``slice_input_producer`` and ``limit_epochs``.

Each producer is a ``FIFOQueue`` filled by a ``QueueRunner`` (added to the
``QUEUE_RUNNERS`` collection) that enqueues the whole (optionally shuffled) input once
per run. ``num_epochs`` is counted, as in TF1, by a local variable ``epochs`` and
``count_up_to``: after exactly ``num_epochs`` passes the runner's next run raises
``OutOfRangeError``, the runner closes the queue, and consumers see ``OutOfRangeError``
once the queue is drained. Run ``tf.local_variables_initializer()`` (a
``MonitoredSession`` does it for you).

The epoch counter is checkpointed with the queue (an :class:`EpochCounterSaveable`): a
restored value also becomes the counter's initial value, because a monitored session runs
the local-variable initializer after restoring.

As in TF, ``string_input_producer`` and ``range_input_producer`` (so also
``slice_input_producer``) add a scalar summary ``<scope>/fraction_of_<capacity>_full`` of
the queue's fill to ``SUMMARIES``, and name the queue and its ops after their scope
(``input_producer/RandomShuffle``, ``input_producer/input_producer_EnqueueMany``).

Differs from TF: after a restore in a session, re-running the local-variable initializer
sets the counter to the restored value, not 0.

Example:
    >>> x, y = slice_input_producer([features, labels], num_epochs=2, shuffle=False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data.queues import FIFOQueue
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import GraphKeys, control_dependencies, get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, state_ops
from trainkit.ops.placeholders import placeholder
from trainkit.ops.random_ops import random_shuffle
from trainkit.ops.variables import Variable
from trainkit.summary import summary_ops
from trainkit.training.queue_runner import QueueRunner, add_queue_runner


@registry.register_kernel("TkRestoredCounter", stateful=True,
                          shape_fn=lambda op: [TensorShape([])])
def _restored_counter(ctx: registry.KernelContext) -> np.ndarray:
    value = ctx.state.resources.get(ctx.attrs["stash"], 0)
    return np.array(value, dtype=np.int64)


@registry.register_kernel("TkStashCounter", stateful=True)
def _stash_counter(ctx: registry.KernelContext, value: Any) -> None:
    with ctx.state.lock:
        ctx.state.resources[ctx.attrs["stash"]] = int(value)


registry.not_differentiable("TkRestoredCounter", "TkStashCounter")


class EpochCounterSaveable:
    """Checkpoints an ``epochs`` local variable of ``limit_epochs``."""

    def __init__(self, var: Variable, stash: str):
        graph = get_default_graph()
        self._var = var
        self.name = var.op.name + "/.epochs"
        self._initialized = state_ops.is_variable_initialized(var)
        self._value = placeholder(_dt.int64, [], name="restore_value")
        self._restore = [
            graph.create_op("TkStashCounter", [self._value], [], name="stash",
                            attrs={"stash": stash}),
            state_ops.assign(var, self._value)]

    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        if not session.run(self._initialized):
            return {"initialized": np.array(False)}
        return {"initialized": np.array(True),
                "value": np.asarray(session.run(self._var), dtype=np.int64)}

    def restore_saveable_state(self, session: Any, state: dict[str, np.ndarray]) -> None:
        if bool(state.get("initialized", np.array(False))):
            session.run(self._restore, {self._value: np.int64(state["value"])})


def limit_epochs(tensor: Any, num_epochs: int | None = None, name: str | None = None
                 ) -> Tensor:
    """Returns ``tensor``, but running it more than ``num_epochs`` times raises
    ``OutOfRangeError`` (``tf.train.limit_epochs``).

    Raises:
        ValueError: ``num_epochs <= 0``.
    """
    if num_epochs is None:
        return convert_to_tensor(tensor)
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with name_scope(name, "limit_epochs") as scope:
        t = convert_to_tensor(tensor)
        stash = f"epoch_counter:{scope}"
        init = get_default_graph().create_op("TkRestoredCounter", [], [_dt.int64],
                                             name="initial_epochs",
                                             attrs={"stash": stash}).outputs[0]
        epochs = Variable(init, name="epochs", trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES])
        counter = epochs.count_up_to(num_epochs)
        get_default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS,
                                              EpochCounterSaveable(epochs, stash))
        with control_dependencies([counter]):
            return array_ops.identity(t, name="limit_epochs")


def input_producer(input_tensor: Any, element_shape: Any = None, num_epochs: int | None = None,
                   shuffle: bool = True, seed: int | None = None, capacity: int = 32,
                   shared_name: str | None = None, summary_name: str | None = None,
                   name: str | None = None, cancel_op: Any = None) -> FIFOQueue:
    """A queue producing the rows of ``input_tensor``, ``num_epochs`` times (forever
    when None), each pass shuffled when ``shuffle`` (``tf.train.input_producer``).

    Raises:
        ValueError: when the element shape is not fully defined, or ``num_epochs <= 0``.
    """
    with name_scope(name, "input_producer"):
        t = convert_to_tensor(input_tensor, name="input_tensor")
        shape = TensorShape(t.shape[1:] if t.shape.ndims is not None else None)
        if element_shape is not None:
            shape = shape.merge_with(TensorShape(element_shape))
        if not shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            t = random_shuffle(t, seed=seed)
        t = limit_epochs(t, num_epochs)
        # TF names the queue with the caller's ``name`` (None: after the op type; the
        # producers below pass their scope, so the queue is named like the scope)
        q = FIFOQueue(capacity, [t.dtype], shapes=[shape], shared_name=shared_name,
                      name=name)
        enq = q.enqueue_many([t])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            full = math_ops.multiply(math_ops.cast(q.size(), _dt.float32), 1.0 / capacity)
            summary_ops.scalar(summary_name, full)
        return q


def string_input_producer(string_tensor: Any, num_epochs: int | None = None,
                          shuffle: bool = True, seed: int | None = None, capacity: int = 32,
                          shared_name: str | None = None, name: str | None = None,
                          cancel_op: Any = None) -> FIFOQueue:
    """A queue of strings (usually file names) for readers
    (``tf.train.string_input_producer``).

    Raises:
        ValueError: an empty Python list; at run time an empty tensor is
            ``InvalidArgumentError``.
    """
    if isinstance(string_tensor, (list, tuple, np.ndarray)) and not len(string_tensor):
        raise ValueError("string_input_producer requires a non-null input tensor")
    with name_scope(name, "input_producer") as scope:
        t = convert_to_tensor(string_tensor, dtype=_dt.string)
        if t.shape.ndims is not None and t.shape.ndims != 1:
            raise ValueError(f"string_input_producer needs a 1-D tensor, got shape {t.shape}")
        t = get_default_graph().create_op("TkCheckNonEmpty", [t], [_dt.string],
                                          name="Assert", shapes=[t.shape]).outputs[0]
        return input_producer(t, [], num_epochs, shuffle, seed, capacity, shared_name,
                              f"fraction_of_{capacity}_full", scope, cancel_op)


@registry.register_kernel("TkCheckNonEmpty", aliases_input=True)
def _check_non_empty(ctx: registry.KernelContext, t: Any) -> Any:
    if np.size(t) == 0:
        raise errors.InvalidArgumentError(None, None, "string_input_producer requires a "
                                                      "non-null input tensor")
    return t


registry.not_differentiable("TkCheckNonEmpty")


def range_input_producer(limit: Any, num_epochs: int | None = None, shuffle: bool = True,
                         seed: int | None = None, capacity: int = 32,
                         shared_name: str | None = None, name: str | None = None
                         ) -> FIFOQueue:
    """A queue of the integers ``0 .. limit-1`` (``tf.train.range_input_producer``)."""
    with name_scope(name, "input_producer") as scope:
        r = array_ops.range(convert_to_tensor(limit, dtype=_dt.int32))
        return input_producer(r, [], num_epochs, shuffle, seed, capacity, shared_name,
                              f"fraction_of_{capacity}_full", scope)


def slice_input_producer(tensor_list: Any, num_epochs: int | None = None, shuffle: bool = True,
                         seed: int | None = None, capacity: int = 32,
                         shared_name: str | None = None, name: str | None = None
                         ) -> list[Tensor]:
    """One row of each tensor of ``tensor_list`` per dequeue (the same row index for
    all), ``num_epochs`` times through the rows (``tf.train.slice_input_producer``).

    Raises:
        ValueError: an empty ``tensor_list``.
    """
    if not tensor_list:
        raise ValueError("Expected at least one tensor in slice_input_producer().")
    with name_scope(name, "input_producer"):
        ts = [convert_to_tensor(t) for t in tensor_list]
        n = array_ops.shape(ts[0])[0]
        queue = range_input_producer(n, num_epochs=num_epochs, shuffle=shuffle, seed=seed,
                                     capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [array_ops.gather(t, index) for t in ts]


__all__ = ["limit_epochs", "input_producer", "string_input_producer",
           "range_input_producer", "slice_input_producer", "EpochCounterSaveable"]
