"""The attention mechanisms of TF1's ``tf.contrib.seq2seq``: Bahdanau (additive) and
Luong (multiplicative) scoring over an encoder's memory.

On construction a mechanism masks the memory past ``memory_sequence_length`` with zeros
(the ``values``) and projects it with ``memory_layer`` (``Dense(num_units,
use_bias=False)``, variable ``<scope>/memory_layer/kernel``) into the ``keys``. Called
with a query ``[batch, depth]`` and its previous state it returns ``(alignments,
next_state)``, the alignments ``probability_fn(score)`` over ``max_time`` (scores past a
row's length are ``score_mask_value``, default ``-inf``, so they get probability 0):

* Bahdanau: ``score_j = sum(v * tanh(keys_j + query_layer(query)))``, variables
  ``bahdanau_attention/{query_layer/kernel, attention_v}``; ``normalize=True`` replaces
  ``v`` by ``g * v / |v|`` and adds a bias ``b`` inside the tanh (``attention_g``,
  ``attention_b``).
* Luong: ``score_j = query . keys_j`` (times a scalar ``luong_attention/attention_g``
  with ``scale=True``); ``num_units`` must equal the query depth.

Example:
    >>> mech = BahdanauAttention(32, encoder_outputs, memory_sequence_length=src_len)
    >>> cell = AttentionWrapper(tk.nn.rnn_cell.LSTMCell(32), mech, attention_layer_size=32)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.check_ops import assert_equal, assert_positive
from trainkit.ops.init_ops import constant_initializer, ones_initializer, zeros_initializer
from trainkit.ops.layers_impl.classes import Dense, Layer
from trainkit.ops.math_extras import sequence_mask
from trainkit.ops.nn_activations import softmax
from trainkit.ops.rnn.cell_base import zeros_for_size
from trainkit.ops.static_value import constant_value


class AttentionMechanism:
    """Base class of the attention mechanisms (``tf.contrib.seq2seq.AttentionMechanism``)."""


def dim_or_shape(x: Tensor, axis: int) -> Any:
    """The static size of ``x`` along ``axis``, or a scalar tensor when unknown."""
    d = x.shape.as_list()[axis] if x.shape.ndims is not None else None
    return d if d is not None else array_ops.shape(x)[axis]


def equal_sizes_check(a: Any, b: Any, message: str) -> list:
    """Control dependencies asserting ``a == b`` (two ints or int32 scalars).

    Raises:
        InvalidArgumentError: at graph-build time if both are known and differ (as TF
            1.15's ``assert_equal`` does with two constant values).
    """
    va = a if isinstance(a, int) else constant_value(a)
    vb = b if isinstance(b, int) else constant_value(b)
    if va is not None and vb is not None:
        if int(va) != int(vb):
            raise errors.InvalidArgumentError(None, None, f"{message} ({int(va)} vs "
                                                          f"{int(vb)})")
        return []
    return [assert_equal(conversion.convert_to_tensor(a, dtype=_dt.int32),
                         conversion.convert_to_tensor(b, dtype=_dt.int32), message=message)]


def _prepare_memory(memory: Any, memory_sequence_length: Any,
                    check_inner_dims_defined: bool) -> Any:
    memory = nest.map_structure(lambda m: conversion.convert_to_tensor(m, name="memory"),
                                memory)
    for m in nest.flatten(memory):
        if m.shape.ndims is None or m.shape.ndims < 2:
            raise ValueError(f"Expected memory {m.name} to be [batch_size, max_time, ...], "
                             f"but saw shape: {m.shape}")
        if check_inner_dims_defined and not m.shape[2:].is_fully_defined():
            raise ValueError(f"Expected memory {m.name} to have fully defined inner dims, "
                             f"but saw shape: {m.shape}")
    if memory_sequence_length is None:
        return memory
    lengths = conversion.convert_to_tensor(memory_sequence_length,
                                           name="memory_sequence_length")
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(f"memory_sequence_length must be a vector [batch_size], but saw "
                         f"shape: {lengths.shape}")
    first = nest.flatten(memory)[0]
    mask = sequence_mask(lengths, maxlen=array_ops.shape(first)[1], dtype=first.dtype)
    len_batch = dim_or_shape(lengths, 0)

    def masked(m: Tensor) -> Tensor:
        deps = equal_sizes_check(len_batch, dim_or_shape(m, 0),
                                 "memory_sequence_length and memory tensor batch sizes do "
                                 "not match.")
        with control_dependencies(deps):
            extra = [1] * (m.shape.ndims - 2)
            full = array_ops.reshape(mask, array_ops.concat(
                [array_ops.shape(mask), conversion.convert_to_tensor(extra, _dt.int32)], 0)) \
                if extra else array_ops.identity(mask)
            out = m * full
        out.set_shape(m.shape)
        return out
    return nest.map_structure(masked, memory)


def _mask_score(score: Tensor, memory_sequence_length: Any, score_mask_value: Any) -> Tensor:
    if memory_sequence_length is None:
        return score
    deps = [assert_positive(memory_sequence_length,
                            message="All values in memory_sequence_length must greater "
                                    "than zero.")]
    with control_dependencies(deps):
        keep = sequence_mask(memory_sequence_length, maxlen=array_ops.shape(score)[1])
        fill = score_mask_value * array_ops.ones_like(score)
        return math_ops.where(keep, score, fill)


class _BaseAttentionMechanism(AttentionMechanism):
    """Memory preparation and the ``keys``/``values`` every mechanism shares."""

    def __init__(self, query_layer: Any, memory: Any, probability_fn: Callable,
                 memory_sequence_length: Any = None, memory_layer: Any = None,
                 check_inner_dims_defined: bool = True, score_mask_value: Any = None,
                 name: str | None = None):
        if query_layer is not None and not isinstance(query_layer, Layer):
            raise TypeError(f"query_layer is not a Layer: {type(query_layer).__name__}")
        if memory_layer is not None and not isinstance(memory_layer, Layer):
            raise TypeError(f"memory_layer is not a Layer: {type(memory_layer).__name__}")
        if not callable(probability_fn):
            raise TypeError(f"probability_fn must be callable, saw type: "
                            f"{type(probability_fn).__name__}")
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        if memory_sequence_length is not None:
            memory_sequence_length = conversion.convert_to_tensor(
                memory_sequence_length, name="memory_sequence_length")
            if not memory_sequence_length.dtype.is_integer:
                raise TypeError("memory_sequence_length must be an integer tensor, got "
                                f"{memory_sequence_length.dtype.name}.")
        with name_scope(name, "BaseAttentionMechanismInit"):
            self._values = _prepare_memory(memory, memory_sequence_length,
                                           check_inner_dims_defined)
            self.dtype = nest.flatten(self._values)[0].dtype
            mask_value = -np.inf if score_mask_value is None else score_mask_value
            self._probability_fn = lambda score, prev: probability_fn(
                _mask_score(score, memory_sequence_length,
                            math_ops.cast(mask_value, score.dtype)), prev)
            self._keys = self._memory_layer(self._values) if self._memory_layer \
                else self._values
            self._batch_size = dim_or_shape(self._keys, 0)
            self._alignments_size = dim_or_shape(self._keys, 1)

    @property
    def memory_layer(self) -> Any:
        return self._memory_layer

    @property
    def query_layer(self) -> Any:
        return self._query_layer

    @property
    def values(self) -> Any:
        """The memory, zero past each row's length."""
        return self._values

    @property
    def keys(self) -> Tensor:
        """The projected memory the queries are scored against."""
        return self._keys

    @property
    def batch_size(self) -> Any:
        return self._batch_size

    @property
    def alignments_size(self) -> Any:
        return self._alignments_size

    @property
    def state_size(self) -> Any:
        return self._alignments_size

    def initial_alignments(self, batch_size: Any, dtype: Any) -> Tensor:
        """Zeros ``[batch_size, max_time]``."""
        size = self._alignments_size
        if isinstance(size, int):
            return zeros_for_size(batch_size, size, _dt.as_dtype(dtype))
        shape = array_ops.stack([batch_size, size])
        return array_ops.zeros(shape, dtype=dtype)

    def initial_state(self, batch_size: Any, dtype: Any) -> Tensor:
        """The mechanism's state before the first step (its initial alignments)."""
        return self.initial_alignments(batch_size, dtype)


def _check_positive_units(num_units: Any, who: str) -> int:
    if isinstance(num_units, bool) or not isinstance(num_units, int) or num_units <= 0:
        raise ValueError(f"{who}: num_units must be a positive integer, got {num_units!r}.")
    return num_units


def _prob_fn(probability_fn: Callable | None) -> Callable:
    fn = softmax if probability_fn is None else probability_fn
    if not callable(fn):
        raise TypeError(f"probability_fn must be callable, saw type: {type(fn).__name__}")
    return lambda score, _: fn(score)


class LuongAttention(_BaseAttentionMechanism):
    """Luong's multiplicative attention (``tf.contrib.seq2seq.LuongAttention``).

    Args:
        num_units: the keys' depth; must equal the query (cell output) depth.
        memory: ``[batch, max_time, ...]``, usually the encoder outputs.
        memory_sequence_length: optional int ``[batch]``: memory past a row's length is
            masked.
        scale: multiply the scores by a learned scalar ``attention_g`` (initially 1).
        probability_fn: scores -> probabilities (default ``softmax``).
        score_mask_value: the score of masked positions (default ``-inf``).
        dtype: the memory layer's dtype (default: the memory's).
        name: the name scope.

    Raises:
        ValueError: a bad ``num_units`` or memory shape. TypeError: a non-callable
            ``probability_fn``.
    """

    def __init__(self, num_units: int, memory: Any, memory_sequence_length: Any = None,
                 scale: bool = False, probability_fn: Callable | None = None,
                 score_mask_value: Any = None, dtype: Any = None,
                 name: str = "LuongAttention"):
        self._num_units = _check_positive_units(num_units, "LuongAttention")
        super().__init__(
            query_layer=None,
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=_prob_fn(probability_fn),
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value, name=name)
        self._scale = scale
        self._name = name

    def __call__(self, query: Tensor, state: Any) -> tuple[Tensor, Tensor]:
        """``(alignments, next_state)`` for ``query`` ``[batch, num_units]``.

        Raises:
            ValueError: the query depth is not ``num_units``.
        """
        with vs.variable_scope(None, default_name="luong_attention"):
            depth = query.shape.as_list()[-1] if query.shape.ndims else None
            if depth != self._num_units:
                raise ValueError(
                    "Incompatible or unknown inner dimensions between query and keys. "
                    f"Query ({query.name}) has units: {depth}. Keys ({self._keys.name}) "
                    f"have units: {self._num_units}. Perhaps you need to set num_units to "
                    f"the keys' dimension ({self._num_units})?")
            score = array_ops.squeeze(math_ops.matmul(array_ops.expand_dims(query, 1),
                                                      self._keys, transpose_b=True), [1])
            if self._scale:
                g = vs.get_variable("attention_g", shape=(), dtype=query.dtype,
                                    initializer=ones_initializer())
                score = g * score
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
    """Bahdanau's additive attention (``tf.contrib.seq2seq.BahdanauAttention``).

    Args:
        num_units: the depth of the query and memory projections.
        memory: ``[batch, max_time, ...]``, usually the encoder outputs.
        memory_sequence_length: optional int ``[batch]``: memory past a row's length is
            masked.
        normalize: weight-normalize ``v`` (``attention_g``, ``attention_b``).
        probability_fn: scores -> probabilities (default ``softmax``).
        score_mask_value: the score of masked positions (default ``-inf``).
        dtype: the layers' dtype (default: the memory's).
        name: the name scope.

    Raises:
        ValueError: a bad ``num_units`` or memory shape. TypeError: a non-callable
            ``probability_fn``.
    """

    def __init__(self, num_units: int, memory: Any, memory_sequence_length: Any = None,
                 normalize: bool = False, probability_fn: Callable | None = None,
                 score_mask_value: Any = None, dtype: Any = None,
                 name: str = "BahdanauAttention"):
        self._num_units = _check_positive_units(num_units, "BahdanauAttention")
        super().__init__(
            query_layer=Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=_prob_fn(probability_fn),
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value, name=name)
        self._normalize = normalize
        self._name = name

    def __call__(self, query: Tensor, state: Any) -> tuple[Tensor, Tensor]:
        """``(alignments, next_state)`` for ``query`` ``[batch, depth]``."""
        with vs.variable_scope(None, default_name="bahdanau_attention"):
            processed = array_ops.expand_dims(self._query_layer(query), 1)
            v = vs.get_variable("attention_v", [self._num_units], dtype=query.dtype)
            if self._normalize:
                g = vs.get_variable("attention_g", shape=(), dtype=query.dtype,
                                    initializer=constant_initializer(
                                        math.sqrt(1.0 / self._num_units)))
                b = vs.get_variable("attention_b", [self._num_units], dtype=query.dtype,
                                    initializer=zeros_initializer())
                v = g * v * math_ops.rsqrt(math_ops.reduce_sum(math_ops.square(v)))
                score = math_ops.reduce_sum(v * math_ops.tanh(self._keys + processed + b), [2])
            else:
                score = math_ops.reduce_sum(v * math_ops.tanh(self._keys + processed), [2])
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def hardmax(logits: Any, name: str | None = None) -> Tensor:
    """One-hot of the argmax of the last axis (``tf.contrib.seq2seq.hardmax``)."""
    with name_scope(name, "Hardmax"):
        x = conversion.convert_to_tensor(logits, name="logits")
        depth = dim_or_shape(x, -1)
        return array_ops.one_hot(math_ops.argmax(x, -1), depth, dtype=x.dtype)


__all__ = ["AttentionMechanism", "BahdanauAttention", "LuongAttention", "hardmax",
           "dim_or_shape", "equal_sizes_check"]
