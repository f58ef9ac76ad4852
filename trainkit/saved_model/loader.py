"""``tf.compat.v1.saved_model.loader``: loads a SavedModel into a session.

``load`` picks the meta graph whose tag set equals ``tags``, imports its graph and
collections into the session's graph, restores the variables from
``export_dir/variables/variables`` and runs the main op (or legacy init op) with the asset
tensors fed their paths under ``export_dir/assets``, as TF's loader does; it returns the
``MetaGraphDef``, whose ``signature_def`` map names the tensors to feed and fetch.

Example:
    >>> meta = load(sess, [tag_constants.SERVING], "/models/1")
    >>> sig = meta.signature_def["serving_default"]
    >>> x = utils.get_tensor_from_tensor_info(sig.inputs["x"], sess.graph)
"""

from __future__ import annotations

import os
from typing import Any

from trainkit.framework.meta_graph_proto import protos
from trainkit.saved_model import assets as _assets
from trainkit.saved_model import constants
from trainkit.training.meta_graph_import import import_meta_graph


def _paths(export_dir: str) -> tuple[str, str]:
    return (os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB),
            os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT))


def maybe_saved_model_directory(export_dir: str | bytes | os.PathLike) -> bool:
    """Whether ``export_dir`` holds a ``saved_model.pb`` or ``saved_model.pbtxt`` (it may
    still fail to load)."""
    return any(os.path.isfile(p) for p in _paths(os.fsdecode(export_dir)))


contains_saved_model = maybe_saved_model_directory


def parse_saved_model(export_dir: str | bytes | os.PathLike) -> Any:
    """The ``SavedModel`` proto of ``export_dir`` (binary preferred over text).

    Raises:
        OSError: if neither file exists or the file cannot be parsed.
    """
    from google.protobuf import message, text_format

    export_dir = os.fsdecode(export_dir)
    pb_path, txt_path = _paths(export_dir)
    model = protos().SavedModel()
    if os.path.isfile(pb_path):
        with open(pb_path, "rb") as f:
            data = f.read()
        try:
            model.ParseFromString(data)
        except message.DecodeError as e:
            raise OSError(f"Cannot parse file {pb_path}: {e}.") from e
    elif os.path.isfile(txt_path):
        with open(txt_path, "rb") as f:
            data = f.read()
        try:
            text_format.Parse(data.decode("utf-8"), model)
        except (text_format.ParseError, UnicodeDecodeError) as e:
            raise OSError(f"Cannot parse file {txt_path}: {e}.") from e
    else:
        raise OSError(f"SavedModel file does not exist at: {export_dir}{os.path.sep}"
                      f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|"
                      f"{constants.SAVED_MODEL_FILENAME_PB}}}")
    return model


def meta_graph_def_from_tags(saved_model: Any, tags: Any) -> Any:
    """The meta graph whose tag set equals ``set(tags)``.

    Raises:
        RuntimeError: ``"MetaGraphDef associated with tags ... could not be found"``.
    """
    available = []
    for meta in saved_model.meta_graphs:
        available.append(set(meta.meta_info_def.tags))
        if set(meta.meta_info_def.tags) == set(tags):
            return meta
    raise RuntimeError(f"MetaGraphDef associated with tags {str(tags).strip('[]')} could not "
                       f"be found in SavedModel, with available tags '{available}'. To "
                       "inspect available tag-sets in the SavedModel, please use the "
                       "SavedModel CLI: `saved_model_cli`.")


def _init_op(graph: Any, meta: Any, import_scope: str | None) -> Any:
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if key not in meta.collection_def:
            continue
        names = list(meta.collection_def[key].node_list.value)
        if len(names) != 1:
            raise RuntimeError(f"Expected exactly one SavedModel init op. Found "
                               f"{len(names)}: {names}.")
        name = f"{import_scope}/{names[0]}" if import_scope else names[0]
        return graph.as_graph_element(name)
    return None


def load(sess: Any, tags: Any, export_dir: str | bytes | os.PathLike,
         import_scope: str | None = None, **saver_kwargs: Any) -> Any:
    """Loads the meta graph tagged ``tags`` of the SavedModel in ``export_dir`` into
    ``sess`` and returns its ``MetaGraphDef``.

    Args:
        sess: the session (its graph receives the imported ops).
        tags: the meta graph's tag set, e.g. ``[tag_constants.SERVING]``.
        export_dir: the SavedModel directory.
        import_scope: prefix every imported name with ``import_scope/`` (the returned
            proto keeps the unprefixed names).
        **saver_kwargs: passed to ``import_meta_graph``.

    Raises:
        OSError: if there is no (parsable) SavedModel file.
        RuntimeError: if no meta graph has exactly these tags.
        ValueError: if the variables checkpoint is missing.
        DataLossError: if the variables files are damaged (nothing is assigned then).
    """
    export_dir = os.fsdecode(export_dir)
    meta = meta_graph_def_from_tags(parse_saved_model(export_dir), tags)
    with sess.graph.as_default():
        saver = import_meta_graph(meta, import_scope=import_scope, **saver_kwargs)
        if saver is not None:
            saver.restore(sess, os.path.join(export_dir, constants.VARIABLES_DIRECTORY,
                                             constants.VARIABLES_FILENAME))
        init_op = _init_op(sess.graph, meta, import_scope)
        if init_op is not None:
            sess.run([init_op], feed_dict=_assets.asset_feeds(export_dir, meta, import_scope))
    return meta


__all__ = ["load", "maybe_saved_model_directory", "contains_saved_model",
           "parse_saved_model", "meta_graph_def_from_tags"]
