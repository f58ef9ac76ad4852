"""``tf.contrib`` for the compat programs: trainkit's own under trainkit, and under TF 2.x
(which has no ``tf.contrib``) stand-ins with TF 1.15's behaviour: ``layers`` and
``framework.arg_scope`` (and ``get_variables_by_name``) from tf_slim 1.1.0, ``rnn`` as
``tf.nn.rnn_cell`` (and ``tf.nn.static_bidirectional_rnn``), ``layers.xavier_initializer``
(and ``_conv2d``) as ``tf.glorot_uniform_initializer`` (the same Glorot-uniform rule) and
``seq2seq.sequence_loss`` written out as TF 1.15 computes it with both averages on (the
weighted sparse softmax cross entropy summed, divided by the weights' sum plus 1e-12),
``learn.preprocessing.VocabularyProcessor`` as :class:`VocabularyProcessor` below,
``training.HParams`` as :class:`HParams` below, ``lookup.HashTable`` as
``tf.lookup.StaticHashTable`` (TF 2.x's v1 table, filled by ``tables_initializer``),
``framework.model_variable`` and ``layers.conv2d`` as tf_slim's, and
``legacy_seq2seq.rnn_decoder`` / ``sequence_loss_by_example`` written out as TF 1.15
computes them (the cell applied step by step in an ``rnn_decoder`` variable scope, reusing
its variables after the first step, ``loop_function(prev, i)`` feeding the previous output
back; the per-step weighted cross entropies summed and, averaged across time steps,
divided by the weights' sum plus 1e-12; the loss is sparse softmax cross entropy unless a
``softmax_loss_function`` is given). :func:`contrib_text` is the part the text programs
use and needs no tf_slim (TF 2.15's venv has none): ``layers.embed_sequence`` written out
as TF 1.15 builds it (an ``EmbedSequence`` variable scope, a model variable
``embeddings`` of ``[vocab_size, embed_dim]``, ``embedding_lookup``) and
``learn.preprocessing``'s ``VocabularyProcessor`` and :class:`ByteProcessor`. Not a
program: ``reference.program_names`` skips it."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace
from typing import Any

import numpy as np

_TOKEN_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


class _Vocabulary:
    """TF 1.15's ``CategoricalVocabulary`` as far as the programs use it: ids by first
    sight (0 is ``<UNK>``), counts, ``trim`` (drop words seen ``min_frequency`` times or
    fewer, renumber the rest by falling count, ties alphabetically), ``freeze``."""

    def __init__(self):
        self.ids = {"<UNK>": 0}
        self.counts = {}
        self.frozen = False

    def __len__(self):
        return len(self.ids)

    def get(self, word):
        if word not in self.ids:
            if self.frozen:
                return 0
            self.ids[word] = len(self.ids)
        return self.ids[word]

    def add(self, word):
        if self.get(word) > 0:
            self.counts[word] = self.counts.get(word, 0) + 1

    def trim(self, min_frequency):
        by_count = sorted(sorted(self.counts.items()), key=lambda kv: kv[1], reverse=True)
        kept = [kv for kv in by_count if kv[1] > min_frequency]
        self.ids = {"<UNK>": 0, **{w: i + 1 for i, (w, _) in enumerate(kept)}}
        self.counts = dict(kept)


class VocabularyProcessor:
    """TF 1.15's ``tf.contrib.learn.preprocessing.VocabularyProcessor`` for TF 2.x runs:
    tokens by TF's regular expression, ``fit`` (count, trim when ``min_frequency`` > 0,
    freeze), ``transform`` yielding ``int64[max_document_length]`` id rows, zero-padded."""

    def __init__(self, max_document_length, min_frequency=0):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = _Vocabulary()

    def fit(self, raw_documents):
        for doc in raw_documents:
            for token in _TOKEN_RE.findall(doc):
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.frozen = True
        return self

    def transform(self, raw_documents):
        for doc in raw_documents:
            ids = np.zeros(self.max_document_length, np.int64)
            for i, token in enumerate(_TOKEN_RE.findall(doc)[:self.max_document_length]):
                ids[i] = self.vocabulary_.get(token)
            yield ids

    def fit_transform(self, raw_documents):
        self.fit(raw_documents)
        return self.transform(raw_documents)


class ByteProcessor:
    """TF 1.15's ``ByteProcessor``: each document's UTF-8 bytes as ``uint8``, cut to
    ``max_document_length`` and zero-padded to it."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        return self

    def fit_transform(self, x):
        return self.transform(x)

    def transform(self, x):
        for document in x:
            raw = document.encode("utf-8") if isinstance(document, str) else document
            buf = np.frombuffer(memoryview(raw)[:self.max_document_length], dtype=np.uint8)
            yield np.pad(buf, (0, self.max_document_length - len(buf)), "constant")


def contrib_text(tf: Any) -> Any:
    """``tf.contrib``'s text pieces: trainkit's own under trainkit, TF 1.15 stand-ins under
    TF 2.x (see the module docstring)."""
    if hasattr(tf, "contrib"):
        return tf.contrib

    def embed_sequence(ids, vocab_size=None, embed_dim=None,
                       initializer=None, regularizer=None, trainable=True, scope=None,
                       reuse=None):
        if not (reuse or (vocab_size and embed_dim)):
            raise ValueError("Must specify vocab size and embedding dimension when not "
                             f"reusing. Got vocab_size={vocab_size} and embed_dim={embed_dim}")
        with tf.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
            embeddings = tf.get_variable(
                "embeddings", shape=[vocab_size, embed_dim], initializer=initializer,
                regularizer=regularizer, trainable=trainable,
                collections=[tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.MODEL_VARIABLES])
            return tf.nn.embedding_lookup(embeddings, ids)

    return SimpleNamespace(
        layers=SimpleNamespace(embed_sequence=embed_sequence),
        learn=SimpleNamespace(preprocessing=SimpleNamespace(
            VocabularyProcessor=VocabularyProcessor, ByteProcessor=ByteProcessor)))


class HParams:
    """TF 1.15's ``tf.contrib.training.HParams`` as far as the programs use it: keyword
    values become attributes, ``values()`` is their dict."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def values(self):
        return dict(self.__dict__)

    def __contains__(self, key):
        return key in self.__dict__

    def __str__(self):
        return str(sorted(self.__dict__.items()))


class _Rnn:
    """``tf.contrib.rnn``: ``tf.nn.rnn_cell``'s cells and wrappers, and
    ``static_bidirectional_rnn`` (which TF 2.x keeps as ``tf.nn.static_bidirectional_rnn``)."""

    def __init__(self, tf: Any):
        self._tf = tf

    def __getattr__(self, name: str) -> Any:
        if name == "static_bidirectional_rnn":
            return self._tf.nn.static_bidirectional_rnn
        return getattr(self._tf.nn.rnn_cell, name)


def contrib(tf: Any) -> Any:
    """``tf.contrib``, or a namespace of TF 1.15-equivalent stand-ins under TF 2.x."""
    if hasattr(tf, "contrib"):
        return tf.contrib
    from tests.compat.programs.slim_lenet import _slim

    slim = _slim(tf)
    layers = importlib.import_module("tf_slim.layers")
    layer_fns = {name: getattr(layers, name)
                 for name in ("fully_connected", "conv2d", "batch_norm", "dropout", "flatten")}

    def sequence_loss(logits, targets, weights):
        num_classes = tf.shape(logits)[2]
        logits_flat = tf.reshape(logits, [-1, num_classes])
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=logits_flat)
        crossent *= tf.reshape(weights, [-1])
        return tf.reduce_sum(crossent) / (tf.reduce_sum(weights) + 1e-12)

    def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
        with tf.variable_scope(scope or "rnn_decoder"):
            state, outputs, prev = initial_state, [], None
            for i, inp in enumerate(decoder_inputs):
                if loop_function is not None and prev is not None:
                    with tf.variable_scope("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                output, state = cell(inp, state)
                outputs.append(output)
                if loop_function is not None:
                    prev = output
        return outputs, state

    def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                                 softmax_loss_function=None, name=None):
        if not len(logits) == len(targets) == len(weights):
            raise ValueError("logits, targets and weights must have the same length")
        with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
            per_step = []
            for logit, target, weight in zip(logits, targets, weights):
                if softmax_loss_function is None:
                    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=tf.reshape(target, [-1]), logits=logit)
                else:
                    loss = softmax_loss_function(labels=target, logits=logit)
                per_step.append(loss * weight)
            total = tf.add_n(per_step)
            if average_across_timesteps:
                total /= tf.add_n(weights) + 1e-12
        return total

    return SimpleNamespace(
        legacy_seq2seq=SimpleNamespace(rnn_decoder=rnn_decoder,
                                       sequence_loss_by_example=sequence_loss_by_example),
        layers=SimpleNamespace(xavier_initializer=tf.glorot_uniform_initializer,
                               xavier_initializer_conv2d=tf.glorot_uniform_initializer,
                               **layer_fns),
        framework=SimpleNamespace(arg_scope=slim.arg_scope, model_variable=slim.model_variable,
                                  get_variables_by_name=slim.get_variables_by_name),
        rnn=_Rnn(tf),
        training=SimpleNamespace(HParams=HParams),
        lookup=SimpleNamespace(HashTable=tf.lookup.StaticHashTable,
                               KeyValueTensorInitializer=tf.lookup.KeyValueTensorInitializer),
        learn=SimpleNamespace(preprocessing=SimpleNamespace(
            VocabularyProcessor=VocabularyProcessor)),
        seq2seq=SimpleNamespace(sequence_loss=sequence_loss))
