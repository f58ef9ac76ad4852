"""Decoder helpers of TF1's ``tf.contrib.seq2seq``: what a decoder feeds itself next.

A helper answers three questions for :class:`BasicDecoder` at every step:
``initialize() -> (finished, first_inputs)``, ``sample(time, outputs, state) ->
sample_ids`` and ``next_inputs(time, outputs, state, sample_ids) -> (finished,
next_inputs, next_state)``.

* :class:`TrainingHelper` reads the ground-truth inputs (teacher forcing); row ``b`` is
  finished once ``time + 1 >= sequence_length[b]``. Its sample ids are the argmax of the
  outputs (for inspection only).
* :class:`GreedyEmbeddingHelper` feeds back ``embedding(argmax(outputs))``; a row is
  finished when it emits ``end_token``.
* :class:`SampleEmbeddingHelper` feeds back an id drawn from ``softmax(outputs / T)``.
* :class:`CustomHelper` wraps three user functions.

Once every row is finished the next inputs are a placeholder (zeros for training, the
start embeddings for the embedding helpers), as in TF 1.15, so no out-of-range read runs.

Example:
    >>> helper = TrainingHelper(decoder_inputs, target_lengths)      # [B, T, D], [B]
    >>> decoder = BasicDecoder(cell, helper, cell.zero_state(B, tk.float32))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.control_flow_ops import cond
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.random_ops import multinomial
from trainkit.ops.tensor_array_ops import TensorArray


def transpose_batch_time(x: Tensor) -> Tensor:
    """Swaps the first two axes of a rank >= 2 tensor (keeping the static shape).

    Raises:
        ValueError: if the rank is unknown or below 2.
    """
    rank = x.shape.ndims
    if rank is None or rank < 2:
        raise ValueError(f"Expected input tensor {x.name} to have rank at least 2, but saw "
                         f"shape: {x.shape}")
    out = array_ops.transpose(x, [1, 0] + list(range(2, rank)))
    dims = x.shape.as_list()
    out.set_shape([dims[1], dims[0]] + dims[2:])
    return out


def _unstack_ta(x: Tensor) -> TensorArray:
    return TensorArray(x.dtype, size=array_ops.shape(x)[0],
                       element_shape=x.shape[1:]).unstack(x)


class Helper:
    """The interface :class:`BasicDecoder` drives (``tf.contrib.seq2seq.Helper``)."""

    @property
    def batch_size(self) -> Any:
        """The batch size (an int32 scalar tensor)."""
        raise NotImplementedError(f"{type(self).__name__} must define batch_size.")

    @property
    def sample_ids_shape(self) -> TensorShape:
        """The shape of one row's sample ids (``TensorShape([])`` for a single id)."""
        raise NotImplementedError(f"{type(self).__name__} must define sample_ids_shape.")

    @property
    def sample_ids_dtype(self) -> _dt.DType:
        """The dtype of the sample ids."""
        raise NotImplementedError(f"{type(self).__name__} must define sample_ids_dtype.")

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any]:
        """``(finished [batch] bool, first inputs)``."""
        raise NotImplementedError(f"{type(self).__name__} must define initialize.")

    def sample(self, time: Tensor, outputs: Any, state: Any,
               name: str | None = None) -> Tensor:
        """The sample ids of this step's outputs."""
        raise NotImplementedError(f"{type(self).__name__} must define sample.")

    def next_inputs(self, time: Tensor, outputs: Any, state: Any, sample_ids: Tensor,
                    name: str | None = None) -> tuple[Tensor, Any, Any]:
        """``(finished, next_inputs, next_state)`` after step ``time``."""
        raise NotImplementedError(f"{type(self).__name__} must define next_inputs.")


class CustomHelper(Helper):
    """A helper made of three functions (``tf.contrib.seq2seq.CustomHelper``).

    Args:
        initialize_fn: ``() -> (finished, next_inputs)``.
        sample_fn: ``(time, outputs, state) -> sample_ids``.
        next_inputs_fn: ``(time, outputs, state, sample_ids) -> (finished, next_inputs,
            next_state)``.
        sample_ids_shape: default ``TensorShape([])``.
        sample_ids_dtype: default int32.
    """

    def __init__(self, initialize_fn: Callable, sample_fn: Callable,
                 next_inputs_fn: Callable, sample_ids_shape: Any = None,
                 sample_ids_dtype: Any = None):
        for what, fn in (("initialize_fn", initialize_fn), ("sample_fn", sample_fn),
                         ("next_inputs_fn", next_inputs_fn)):
            if not callable(fn):
                raise TypeError(f"CustomHelper: {what} must be callable, got {fn!r}.")
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size: Any = None
        self._sample_ids_shape = TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = _dt.as_dtype(sample_ids_dtype or _dt.int32)

    @property
    def batch_size(self) -> Any:
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self) -> TensorShape:
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self) -> _dt.DType:
        return self._sample_ids_dtype

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any]:
        with name_scope(name, f"{type(self).__name__}Initialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = array_ops.size(finished)
        return finished, next_inputs

    def sample(self, time: Tensor, outputs: Any, state: Any,
               name: str | None = None) -> Tensor:
        with name_scope(name, f"{type(self).__name__}Sample"):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time: Tensor, outputs: Any, state: Any, sample_ids: Tensor,
                    name: str | None = None) -> tuple[Tensor, Any, Any]:
        with name_scope(name, f"{type(self).__name__}NextInputs"):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Teacher forcing: step ``t`` reads ``inputs[:, t]`` (``tf.contrib.seq2seq.TrainingHelper``).

    Args:
        inputs: ``[batch, time, ...]`` (``[time, batch, ...]`` with ``time_major``), or a
            nested structure of such tensors.
        sequence_length: int ``[batch]`` vector: the number of steps of each row.
        time_major: whether ``inputs`` are time-major.
        name: the name scope (default ``TrainingHelper``).

    Raises:
        ValueError: ``sequence_length`` not a vector; inputs of rank < 2 (of unknown rank).
    """

    def __init__(self, inputs: Any, sequence_length: Any, time_major: bool = False,
                 name: str | None = None):
        with name_scope(name, "TrainingHelper"):
            inputs = nest.map_structure(
                lambda x: conversion.convert_to_tensor(x, name="inputs"), inputs)
            self._inputs = inputs
            if not time_major:
                inputs = nest.map_structure(transpose_batch_time, inputs)
            else:
                for x in nest.flatten(inputs):
                    if x.shape.ndims is None or x.shape.ndims < 2:
                        raise ValueError(f"TrainingHelper: time-major inputs must have rank "
                                         f"at least 2 [time, batch, ...], got shape "
                                         f"{x.shape} ({x.name}).")
            self._input_tas = nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = conversion.convert_to_tensor(
                sequence_length, name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received "
                                 f"shape: {self._sequence_length.shape}")
            if not self._sequence_length.dtype.is_integer:
                raise TypeError("TrainingHelper: sequence_length must be an integer tensor, "
                                f"got {self._sequence_length.dtype.name}.")
            self._zero_inputs = nest.map_structure(
                lambda x: array_ops.zeros_like(x[0]), inputs)
            self._batch_size = array_ops.size(self._sequence_length)

    @property
    def inputs(self) -> Any:
        return self._inputs

    @property
    def sequence_length(self) -> Tensor:
        return self._sequence_length

    @property
    def batch_size(self) -> Tensor:
        return self._batch_size

    @property
    def sample_ids_shape(self) -> TensorShape:
        return TensorShape([])

    @property
    def sample_ids_dtype(self) -> _dt.DType:
        return _dt.int32

    def _read_or_zeros(self, all_finished: Tensor, index: Any) -> Any:
        return cond(all_finished, lambda: self._zero_inputs,
                    lambda: nest.map_structure(lambda ta: ta.read(index), self._input_tas))

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any]:
        with name_scope(name, "TrainingHelperInitialize"):
            finished = math_ops.equal(math_ops.cast(0, self._sequence_length.dtype),
                                      self._sequence_length)
            all_finished = math_ops.reduce_all(finished)
            return finished, self._read_or_zeros(all_finished, 0)

    def sample(self, time: Tensor, outputs: Any, state: Any,
               name: str | None = None) -> Tensor:
        with name_scope(name, "TrainingHelperSample"):
            return math_ops.cast(math_ops.argmax(outputs, axis=-1), _dt.int32)

    def next_inputs(self, time: Tensor, outputs: Any, state: Any, sample_ids: Tensor,
                    name: str | None = None) -> tuple[Tensor, Any, Any]:
        with name_scope(name, "TrainingHelperNextInputs"):
            next_time = time + 1
            finished = math_ops.greater_equal(
                math_ops.cast(next_time, self._sequence_length.dtype), self._sequence_length)
            all_finished = math_ops.reduce_all(finished)
            return finished, self._read_or_zeros(all_finished, next_time), state


class GreedyEmbeddingHelper(Helper):
    """Feeds back the embedding of each step's argmax
    (``tf.contrib.seq2seq.GreedyEmbeddingHelper``).

    Args:
        embedding: the embedding matrix ``[vocab, depth]``, or a callable ``ids ->
            embeddings``.
        start_tokens: int32 ``[batch]`` vector, the first step's ids.
        end_token: int32 scalar: a row is finished once it emits this id.

    Raises:
        ValueError: ``start_tokens`` not a vector or ``end_token`` not a scalar.
    """

    def __init__(self, embedding: Any, start_tokens: Any, end_token: Any):
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            self._embedding_fn = lambda ids: embedding_lookup(embedding, ids)
        self._start_tokens = conversion.convert_to_tensor(start_tokens, dtype=_dt.int32,
                                                          name="start_tokens")
        self._end_token = conversion.convert_to_tensor(end_token, dtype=_dt.int32,
                                                       name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError(f"start_tokens must be a vector, got shape "
                             f"{self._start_tokens.shape}.")
        self._batch_size = array_ops.size(self._start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError(f"end_token must be a scalar, got shape {self._end_token.shape}.")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    @property
    def batch_size(self) -> Tensor:
        return self._batch_size

    @property
    def sample_ids_shape(self) -> TensorShape:
        return TensorShape([])

    @property
    def sample_ids_dtype(self) -> _dt.DType:
        return _dt.int32

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any]:
        finished = array_ops.tile([False], array_ops.reshape(self._batch_size, [1]))
        finished.set_shape(self._start_tokens.shape)
        return finished, self._start_inputs

    def sample(self, time: Tensor, outputs: Any, state: Any,
               name: str | None = None) -> Tensor:
        if not isinstance(outputs, Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        return math_ops.argmax(outputs, axis=-1, output_type=_dt.int32)

    def next_inputs(self, time: Tensor, outputs: Any, state: Any, sample_ids: Tensor,
                    name: str | None = None) -> tuple[Tensor, Any, Any]:
        finished = math_ops.equal(sample_ids, self._end_token)
        all_finished = math_ops.reduce_all(finished)
        next_inputs = cond(all_finished, lambda: self._start_inputs,
                           lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Feeds back the embedding of an id drawn from ``softmax(outputs /
    softmax_temperature)`` (``tf.contrib.seq2seq.SampleEmbeddingHelper``).

    Args:
        embedding, start_tokens, end_token: as :class:`GreedyEmbeddingHelper`.
        softmax_temperature: optional float scalar dividing the logits.
        seed: the sampling op's seed.
    """

    def __init__(self, embedding: Any, start_tokens: Any, end_token: Any,
                 softmax_temperature: Any = None, seed: int | None = None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time: Tensor, outputs: Any, state: Any,
               name: str | None = None) -> Tensor:
        if not isinstance(outputs, Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs if self._softmax_temperature is None \
            else outputs / self._softmax_temperature
        draws = multinomial(array_ops.reshape(logits, [-1, array_ops.shape(logits)[-1]]), 1,
                            seed=self._seed, output_dtype=_dt.int32)
        ids = array_ops.reshape(draws, array_ops.shape(logits)[:-1])
        ids.set_shape(outputs.shape[:-1])
        return ids


__all__ = ["Helper", "CustomHelper", "TrainingHelper", "GreedyEmbeddingHelper",
           "SampleEmbeddingHelper", "transpose_batch_time"]
