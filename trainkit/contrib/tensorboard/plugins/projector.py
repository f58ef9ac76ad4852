"""``tf.contrib.tensorboard.plugins.projector``: ``ProjectorConfig`` and
``visualize_embeddings``, which writes ``projector_config.pbtxt`` into a writer's log
directory for TensorBoard's embedding projector.

The config has the fields of TensorBoard's ``ProjectorConfig`` proto (embeddings with
``tensor_name``, ``metadata_path``, ``bookmarks_path``, ``tensor_shape``, ``tensor_path``
and a ``sprite``) and is written in protobuf text format, as TF writes it. TensorBoard's
projector reads embedding values from TF checkpoints, which trainkit's checkpoints are
not: give each embedding a ``tensor_path`` (a TSV of its rows, e.g. written with
``numpy.savetxt(path, values, delimiter="\\t")``) for the projector to show it.

Example:
    >>> config = projector.ProjectorConfig()
    >>> emb = config.embeddings.add()
    >>> emb.tensor_name, emb.metadata_path = embedding_var.name, "metadata.tsv"
    >>> projector.visualize_embeddings(summary_writer, config)
"""

from __future__ import annotations

import os
from typing import Any

from trainkit.training import atomic_file

CONFIG_FILE = "projector_config.pbtxt"


class SpriteMetadata:
    """A sprite image of the points: its path and one thumbnail's ``[height, width]``."""

    def __init__(self, image_path: str = "", single_image_dim: Any = ()):
        self.image_path = image_path
        self.single_image_dim = [int(d) for d in single_image_dim]


class EmbeddingInfo:
    """One embedding: the tensor's name, its metadata/bookmarks files, shape, values file
    and sprite."""

    def __init__(self, tensor_name: str = "", metadata_path: str = "",
                 bookmarks_path: str = "", tensor_shape: Any = (), tensor_path: str = ""):
        self.tensor_name = tensor_name
        self.metadata_path = metadata_path
        self.bookmarks_path = bookmarks_path
        self.tensor_shape = [int(d) for d in tensor_shape]
        self.tensor_path = tensor_path
        self.sprite = SpriteMetadata()


class _Embeddings(list):
    """The repeated ``embeddings`` field: ``add()`` appends a new entry, as protobuf's."""

    def add(self, **fields: Any) -> EmbeddingInfo:
        info = EmbeddingInfo(**fields)
        self.append(info)
        return info


class ProjectorConfig:
    """The projector's configuration (``model_checkpoint_path``/``_dir`` and the
    embeddings)."""

    def __init__(self, model_checkpoint_path: str = "", model_checkpoint_dir: str = ""):
        self.model_checkpoint_path = model_checkpoint_path
        self.model_checkpoint_dir = model_checkpoint_dir
        self.embeddings = _Embeddings()


def _quote(s: str) -> str:
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c in "\"'\\":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ch < 0x20 or ch >= 0x7F:
            out.append(f"\\{ch:03o}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def to_text(config: ProjectorConfig) -> str:
    """``config`` in protobuf text format (fields in TensorBoard's proto order, empty ones
    left out)."""
    lines: list[str] = []
    if config.model_checkpoint_path:
        lines.append(f"model_checkpoint_path: {_quote(config.model_checkpoint_path)}")
    for e in config.embeddings:
        lines.append("embeddings {")
        for name in ("tensor_name", "metadata_path", "bookmarks_path"):
            value = getattr(e, name)
            if value:
                lines.append(f"  {name}: {_quote(value)}")
        lines += [f"  tensor_shape: {int(d)}" for d in e.tensor_shape]
        sprite = e.sprite
        if sprite.image_path or sprite.single_image_dim:
            lines.append("  sprite {")
            if sprite.image_path:
                lines.append(f"    image_path: {_quote(sprite.image_path)}")
            lines += [f"    single_image_dim: {int(d)}" for d in sprite.single_image_dim]
            lines.append("  }")
        if e.tensor_path:
            lines.append(f"  tensor_path: {_quote(e.tensor_path)}")
        lines.append("}")
    if config.model_checkpoint_dir:
        lines.append(f"model_checkpoint_dir: {_quote(config.model_checkpoint_dir)}")
    return "\n".join(lines) + ("\n" if lines else "")


def visualize_embeddings(summary_writer: Any, config: ProjectorConfig) -> None:
    """Writes ``config`` to ``projector_config.pbtxt`` in the writer's log directory
    (atomically).

    Raises:
        ValueError: the writer has no log directory.
        TypeError: ``config`` is not a ``ProjectorConfig``.
    """
    if not isinstance(config, ProjectorConfig):
        raise TypeError(f"config must be a ProjectorConfig, got {type(config).__name__}.")
    logdir = summary_writer.get_logdir() if hasattr(summary_writer, "get_logdir") else None
    if not logdir:
        raise ValueError("Expected logdir to be a non-empty string; the summary writer has "
                         "no log directory.")
    os.makedirs(logdir, exist_ok=True)
    atomic_file.write_bytes(os.path.join(logdir, CONFIG_FILE), to_text(config).encode("utf-8"))


__all__ = ["ProjectorConfig", "EmbeddingInfo", "SpriteMetadata", "visualize_embeddings",
           "to_text"]
