"""``tf.contrib.layers``' encoders: ``embed_sequence`` (ids -> their rows of a model
variable ``embeddings``) and ``bow_encoder`` (ids -> the mean of their embeddings, one
vector per example).

Example:
    >>> vectors = embed_sequence(ids, vocab_size=1000, embed_dim=50)   # [batch, len, 50]
    >>> doc = bow_encoder(ids, vocab_size=1000, embed_dim=50)          # [batch, 50]
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.framework.variables import model_variable
from trainkit.contrib.layers.sparse_ops import dense_to_sparse_tensor
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import embedding_ops, math_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.embedding_extras import safe_embedding_lookup_sparse


def bow_encoder(ids: Any, vocab_size: int, embed_dim: int, sparse_lookup: bool = True,
                initializer: Any = None, regularizer: Any = None, trainable: bool = True,
                scope: str | None = None, reuse: Any = None) -> Tensor:
    """The mean embedding of each example's ids: ``[batch, embed_dim]``.

    The embeddings are a model variable ``bow_encoder/embeddings`` of
    ``[vocab_size, embed_dim]``. With ``sparse_lookup`` (the default) dense ``ids`` lose
    their 0 cells (padding) first and an example left without ids gets the embedding of
    id 0; a ``SparseTensor`` of ids is looked up as it is. Without it every cell of the
    dense ``ids`` counts, padding included.

    Args:
        ids: ``[batch, length]`` int ids, dense or a ``SparseTensor``.
        vocab_size: rows of the embedding matrix.
        embed_dim: columns of the embedding matrix.
        sparse_lookup: look up through a ``SparseTensor`` (see above).
        initializer, regularizer, trainable: for the embedding variable.
        scope, reuse: its variable scope (default ``bow_encoder``).

    Raises:
        ValueError: ``vocab_size`` or ``embed_dim`` missing or 0.
        TypeError: a ``SparseTensor`` of ids with ``sparse_lookup=False``.
    """
    if not vocab_size or not embed_dim:
        raise ValueError(f"Must specify vocab size and embedding dimension; got "
                         f"vocab_size={vocab_size!r} and embed_dim={embed_dim!r}")
    with vs.variable_scope(scope, "bow_encoder", [ids], reuse=reuse):
        embeddings = model_variable("embeddings", shape=[vocab_size, embed_dim],
                                    initializer=initializer, regularizer=regularizer,
                                    trainable=trainable)
        if sparse_lookup:
            sparse_ids = ids if isinstance(ids, SparseTensor) else dense_to_sparse_tensor(ids)
            return safe_embedding_lookup_sparse([embeddings], sparse_ids, combiner="mean",
                                                default_id=0)
        if isinstance(ids, SparseTensor):
            raise TypeError(f"ids are expected to be a dense Tensor when sparse_lookup is "
                            f"False, got: {ids}")
        return math_ops.reduce_mean(embedding_ops.embedding_lookup(embeddings, ids), axis=1)


def embed_sequence(ids: Any, vocab_size: int | None = None, embed_dim: int | None = None,
                   unique: bool = False, initializer: Any = None, regularizer: Any = None,
                   trainable: bool = True, scope: str | None = None, reuse: Any = None
                   ) -> Tensor:
    """Looks ``ids`` up in a model variable ``EmbedSequence/embeddings``
    ``[vocab_size, embed_dim]``; with ``reuse`` the sizes may be left out (the existing
    variable is taken, as TF does).

    Raises:
        ValueError: ``vocab_size`` or ``embed_dim`` missing when not reusing.
    """
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError(f"Must specify vocab size and embedding dimension when not "
                         f"reusing. Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    with vs.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = None if vocab_size is None or embed_dim is None else [vocab_size, embed_dim]
        emb = model_variable("embeddings", shape=shape, initializer=initializer,
                             regularizer=regularizer, trainable=trainable)
        return embedding_ops.embedding_lookup(emb, ids)


__all__ = ["bow_encoder", "embed_sequence"]
