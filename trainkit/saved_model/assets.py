"""Asset files of a SavedModel: the string constants naming files a graph reads at load
time (a vocabulary), copied into ``export_dir/assets`` and fed back with their new paths
when the model is loaded.

Example:
    >>> vocab = tk.constant("/data/vocab.txt")
    >>> builder.add_meta_graph_and_variables(sess, ["serve"], assets_collection=[vocab])
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import numpy as np

from trainkit.framework import dtypes
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.tensor import Tensor
from trainkit.saved_model import constants

# TF packs AssetFileDef protos into the collection's Any under TF's own message name.
ASSET_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef"


def asset_source_path(tensor: Any) -> str:
    """The file path held by an asset tensor (a scalar string constant).

    Raises:
        TypeError: if ``tensor`` is not a scalar string ``Const`` tensor.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"Asset path tensor {tensor} must be a Tensor.")
    if tensor.op.type != "Const":
        raise TypeError(f"Asset path tensor {tensor} must be of type constant. Has type "
                        f"{tensor.op.type} instead.")
    if tensor.dtype != dtypes.string:
        raise TypeError(f"Asset path tensor {tensor} must be of dtype string. Has type "
                        f"{tensor.dtype} instead.")
    value = np.asarray(tensor.op.get_attr("value"))
    if value.size != 1:
        raise TypeError(f"Asset path tensor {tensor} must be a scalar.")
    path = value.reshape(-1)[0]
    return path.decode("utf-8") if isinstance(path, bytes) else str(path)


def _unique_name(source: str, taken: dict[str, str]) -> str:
    name = os.path.basename(source)
    stem, ext = os.path.splitext(name)
    n = 0
    while name in taken and taken[name] != source:
        n += 1
        name = f"{stem}_{n}{ext}"
    return name


def add_assets(assets_collection: Any, export_dir: str, graph: Any) -> None:
    """Copies each asset into ``export_dir/assets`` and records an ``AssetFileDef`` (packed
    in an ``Any``) in the graph's ``ASSETS_KEY`` collection, as TF's v1 builder does."""
    if assets_collection is None:
        return
    pb = protos()
    taken: dict[str, str] = {}
    for tensor in assets_collection:
        source = asset_source_path(tensor)
        if not source:
            raise ValueError(f"Asset filepath tensor {tensor} in is invalid.")
        name = _unique_name(source, taken)
        taken[name] = source
        info = pb.AssetFileDef(filename=name)
        info.tensor_info.name = tensor.name
        packed = pb.Any(type_url=ASSET_TYPE_URL, value=info.SerializeToString())
        graph.add_to_collection(constants.ASSETS_KEY, packed)
    target_dir = os.path.join(export_dir, constants.ASSETS_DIRECTORY)
    os.makedirs(target_dir, exist_ok=True)
    for name, source in taken.items():
        if os.path.isfile(source):
            shutil.copyfile(source, os.path.join(target_dir, name))


def asset_feeds(export_dir: str, meta_graph_def: Any, import_scope: str | None) -> dict:
    """``{asset tensor name: its path under export_dir/assets}`` for a loaded graph."""
    pb = protos()
    infos = list(meta_graph_def.asset_file_def)
    if not infos and constants.ASSETS_KEY in meta_graph_def.collection_def:
        infos = [pb.AssetFileDef.FromString(a.value) for a in
                 meta_graph_def.collection_def[constants.ASSETS_KEY].any_list.value]
    assets_dir = os.path.join(export_dir, constants.ASSETS_DIRECTORY)
    feeds = {}
    for info in infos:
        name = info.tensor_info.name
        feeds[f"{import_scope}/{name}" if import_scope else name] = os.path.join(
            assets_dir, info.filename)
    return feeds


__all__ = ["add_assets", "asset_feeds", "asset_source_path", "ASSET_TYPE_URL"]
