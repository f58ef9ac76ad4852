"""``stack_bidirectional_rnn`` and ``stack_bidirectional_dynamic_rnn`` (TF 1.15's
``tf.contrib.rnn``): bidirectional layers stacked so that each layer reads the
depth-concatenated forward and backward outputs of the layer below.

The variable scopes are TF's, so a TF 1.15 checkpoint restores by name:

* static: ``stack_bidirectional_rnn/cell_<i>/fw/<cell>/...`` (the layer's scope is passed
  to ``static_bidirectional_rnn`` as its scope);
* dynamic: ``stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/fw/<cell>/...``.

Example:
    >>> fw = [tk.nn.rnn_cell.LSTMCell(8) for _ in range(2)]
    >>> bw = [tk.nn.rnn_cell.LSTMCell(8) for _ in range(2)]
    >>> out, states_fw, states_bw = stack_bidirectional_dynamic_rnn(
    ...     fw, bw, x, dtype=tk.float32, sequence_length=lengths)   # out [B, T, 16]
"""

from __future__ import annotations

from typing import Any

from trainkit.ops import array_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.dynamic_rnn import bidirectional_dynamic_rnn
from trainkit.ops.rnn.static_rnn import static_bidirectional_rnn


def _check_stacks(cells_fw: Any, cells_bw: Any, initial_states_fw: Any,
                  initial_states_bw: Any) -> None:
    """TF 1.15's argument checks (all ValueErrors, in TF's order)."""
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer), got "
                         f"{type(cells_fw).__name__}.")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer), got "
                         f"{type(cells_bw).__name__}.")
    if len(cells_fw) != len(cells_bw):
        raise ValueError(f"Forward and Backward cells must have the same depth: "
                         f"{len(cells_fw)} fw cells vs {len(cells_bw)} bw cells.")
    for what, states in (("initial_states_fw", initial_states_fw),
                         ("initial_states_bw", initial_states_bw)):
        if states is not None and (not isinstance(states, list)
                                   or len(states) != len(cells_fw)):
            got = len(states) if isinstance(states, list) else type(states).__name__
            raise ValueError(f"{what} must be a list of state tensors (one per layer): "
                             f"expected {len(cells_fw)}, got {got}.")


def _layer_states(states: Any, i: int) -> Any:
    # TF tests the list's truth value, so an empty list means "no initial states".
    return states[i] if states else None


def stack_bidirectional_rnn(cells_fw: list, cells_bw: list, inputs: Any,
                            initial_states_fw: list | None = None,
                            initial_states_bw: list | None = None, dtype: Any = None,
                            sequence_length: Any = None,
                            scope: Any = None) -> tuple[list, tuple, tuple]:
    """Stacked bidirectional ``static_rnn`` layers (``tf.contrib.rnn``'s).

    Args:
        cells_fw: the forward cells, one per layer (a list).
        cells_bw: the backward cells, one per layer (a list of the same length).
        inputs: a list of ``T`` tensors ``[batch, depth]`` (or nested tuples of them).
        initial_states_fw: optional list of forward initial states, one per layer.
        initial_states_bw: optional list of backward initial states, one per layer.
        dtype: the state dtype, needed where an initial state is not given.
        sequence_length: optional int vector ``[batch]``.
        scope: the variable scope (default ``stack_bidirectional_rnn``).

    Returns:
        ``(outputs, output_states_fw, output_states_bw)``: the last layer's list of
        concatenated outputs and tuples of each layer's final forward/backward state.

    Raises:
        ValueError: empty cell lists, lists of different lengths, a non-list of cells or
            initial states of the wrong length (TF's checks); as ``static_rnn``.
        TypeError: as ``static_bidirectional_rnn``.
    """
    _check_stacks(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    prev_layer = inputs
    with vs.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with vs.variable_scope(f"cell_{i}") as cell_scope:
                prev_layer, state_fw, state_bw = static_bidirectional_rnn(
                    cell_fw, cell_bw, prev_layer,
                    initial_state_fw=_layer_states(initial_states_fw, i),
                    initial_state_bw=_layer_states(initial_states_bw, i),
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return prev_layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw: list, cells_bw: list, inputs: Any,
                                    initial_states_fw: list | None = None,
                                    initial_states_bw: list | None = None,
                                    dtype: Any = None, sequence_length: Any = None,
                                    parallel_iterations: int | None = None,
                                    time_major: bool = False, scope: Any = None,
                                    swap_memory: bool = False) -> tuple[Any, tuple, tuple]:
    """Stacked ``bidirectional_dynamic_rnn`` layers (``tf.contrib.rnn``'s).

    Each layer's forward and backward outputs are concatenated on the last axis
    (``concat(outputs, 2)``) and fed to the next layer.

    Args:
        cells_fw, cells_bw, initial_states_fw, initial_states_bw, dtype,
        sequence_length: as :func:`stack_bidirectional_rnn`.
        inputs: ``[batch, time, depth]`` (``[time, batch, depth]`` with ``time_major``).
        parallel_iterations, swap_memory: passed to ``dynamic_rnn`` (no effect here).
        time_major: the layout of ``inputs`` and of the outputs.
        scope: the variable scope (default ``stack_bidirectional_rnn``).

    Returns:
        ``(outputs, output_states_fw, output_states_bw)``: the last layer's output
        ``[batch, time, fw_size + bw_size]`` and tuples of the layers' final states.

    Raises:
        ValueError: as :func:`stack_bidirectional_rnn`; as ``dynamic_rnn``.
        TypeError: a cell is not an RNNCell.
    """
    _check_stacks(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    prev_layer = inputs
    with vs.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with vs.variable_scope(f"cell_{i}"):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, prev_layer,
                    initial_state_fw=_layer_states(initial_states_fw, i),
                    initial_state_bw=_layer_states(initial_states_bw, i),
                    sequence_length=sequence_length,
                    parallel_iterations=parallel_iterations, dtype=dtype,
                    swap_memory=swap_memory, time_major=time_major)
                prev_layer = array_ops.concat(list(outputs), 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return prev_layer, tuple(states_fw), tuple(states_bw)


__all__ = ["stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn"]
