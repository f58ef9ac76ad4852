"""``export_meta_graph`` / ``import_meta_graph``: a graph, its collections and its saver as
a real TF ``MetaGraphDef`` (the ``.meta`` file next to a checkpoint).

Collections are written as TF does: variables as ``VariableDef`` protos in a
``bytes_list``, tensors and operations by name in a ``node_list``, strings, ints and floats
in typed lists, packed ``Any`` protos (a SavedModel's assets) in an ``any_list``; other
Python objects (iterators, savers, optimizers) are left out. So the TF1 restore idiom
works in a fresh process (``import_meta_graph`` is in ``meta_graph_import``)::

    saver = tk.train.import_meta_graph(path + ".meta")
    with tk.Session() as sess:
        saver.restore(sess, path)
        y = tk.get_default_graph().get_tensor_by_name("y:0")

Example:
    >>> meta = export_meta_graph("/tmp/model.meta")      # also returns the proto
"""

from __future__ import annotations

import logging
import numbers
import os
from typing import Any

from trainkit.framework import graph_def as _graph_def
from trainkit.framework import proto_text
from trainkit.framework.graph import get_default_graph
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.variables import Variable
from trainkit.training import atomic_file

_LOG = logging.getLogger("trainkit")
META_GRAPH_VERSION = "trainkit-1"
# Collections whose bytes_list holds VariableDef protos (TF's proto-typed collections).
VARIABLE_COLLECTIONS = ("variables", "trainable_variables", "local_variables",
                        "model_variables", "moving_average_variables", "global_step",
                        "metric_variables")


def _collection_def(items: list, export_scope: str | None) -> Any:
    """The ``CollectionDef`` of one collection, or None when nothing in it is storable."""
    pb = protos()
    cd = pb.CollectionDef()
    kind = None
    for item in items:
        if isinstance(item, pb.Any):  # packed protos (a SavedModel's AssetFileDefs)
            k, v = "any_list", item
        elif isinstance(item, Variable):
            k, v = "bytes_list", item.to_proto(export_scope).SerializeToString()
        elif isinstance(item, Tensor | Operation):
            k, v = "node_list", _strip(item.name, export_scope)
        elif isinstance(item, bytes | str):
            k, v = "bytes_list", item.encode("utf-8") if isinstance(item, str) else item
        elif isinstance(item, bool | numbers.Integral):
            k, v = "int64_list", int(item)
        elif isinstance(item, numbers.Real):
            k, v = "float_list", float(item)
        else:
            continue
        if kind is None:
            kind = k
        if k == kind == "any_list":
            cd.any_list.value.add().CopyFrom(v)
        elif k == kind:
            getattr(cd, kind).value.append(v)
    return cd if kind is not None else None


def _strip(name: str, scope: str | None) -> str:
    return name[len(scope) + 1:] if scope and name.startswith(scope + "/") else name


def saver_def_proto(saver_def: Any) -> Any:
    """A ``SaverDef`` proto from trainkit's ``SaverDef`` record (or a proto)."""
    pb = protos()
    if isinstance(saver_def, pb.SaverDef):
        return saver_def
    return pb.SaverDef(filename_tensor_name=saver_def.filename_tensor_name,
                       restore_op_name=saver_def.restore_op_name,
                       max_to_keep=int(saver_def.max_to_keep),
                       sharded=bool(saver_def.sharded),
                       keep_checkpoint_every_n_hours=float(
                           saver_def.keep_checkpoint_every_n_hours),
                       version=int(getattr(saver_def, "version", 2)))


def export_meta_graph(filename: str | None = None, meta_info_def: Any = None,
                      graph_def: Any = None, saver_def: Any = None,
                      collection_list: list | None = None, as_text: bool = False,
                      graph: Any = None, export_scope: str | None = None,
                      clear_devices: bool = False, clear_extraneous_savers: bool = False,
                      strip_default_attrs: bool = False, save_debug_info: bool = False,
                      **kwargs: Any) -> Any:
    """The ``MetaGraphDef`` of ``graph`` (default: the default graph), written to
    ``filename`` (binary, or text format with ``as_text``) when given.

    Args:
        collection_list: the collection keys to include (default: all).
        saver_def: a ``SaverDef`` (record or proto) to include.
        graph_def: use this GraphDef instead of the graph's complete one.
        export_scope: keep only names under this scope, relative to it.
    """
    del clear_extraneous_savers, strip_default_attrs, save_debug_info, kwargs
    pb = protos()
    g = graph or get_default_graph()
    meta = pb.MetaGraphDef()
    meta.meta_info_def.meta_graph_version = META_GRAPH_VERSION
    meta.meta_info_def.tensorflow_version = "trainkit"
    if meta_info_def is not None:
        meta.meta_info_def.MergeFrom(meta_info_def)
    if graph_def is None and not export_scope and not clear_devices:
        meta.graph_def.ParseFromString(_graph_def.graph_def_bytes(g, full=True))
    else:
        gd = graph_def if graph_def is not None else _graph_def.graph_def_of(g, full=True)
        meta.graph_def.CopyFrom(_scoped_graph_def(gd, export_scope, clear_devices))
    if saver_def is not None:
        meta.saver_def.CopyFrom(saver_def_proto(saver_def))
    keys = g.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        items = [i for i in g.get_collection(key)
                 if export_scope is None or _strip(getattr(i, "name", ""), export_scope)
                 != getattr(i, "name", "")]
        cd = _collection_def(items, export_scope)
        if cd is not None:
            meta.collection_def[key].CopyFrom(cd)
    if filename is not None:
        write_proto(meta, filename, as_text)
    return meta


def cached_meta_graph_bytes(graph: Any, saver_def: Any, cache: tuple | None
                            ) -> tuple[tuple, bytes]:
    """``(cache, serialized MetaGraphDef)``: ``cache`` is reused while the graph and its
    collection sizes are unchanged (ops are only ever appended), so a Saver that saves
    every N steps serializes its graph once."""
    key = (graph.version, tuple((k, len(graph.get_collection(k)))
                                for k in graph.get_all_collection_keys()))
    if cache is None or cache[0] != key:
        cache = (key, export_meta_graph(graph=graph, saver_def=saver_def
                                        ).SerializeToString(deterministic=True))
    return cache, cache[1]


def _scoped_graph_def(gd: Any, scope: str | None, clear_devices: bool) -> Any:
    if not scope and not clear_devices:
        return gd
    out = type(gd)()
    out.versions.CopyFrom(gd.versions)
    for node in gd.node:
        if scope and not node.name.startswith(scope + "/"):
            continue
        n = out.node.add()
        n.CopyFrom(node)
        if scope:
            n.name = _strip(node.name, scope)
            del n.input[:]
            n.input.extend(("^" if i.startswith("^") else "") + _strip(i.lstrip("^"), scope)
                           for i in node.input)
            if "_class" in n.attr:  # colocation groups name ops relative to the scope too
                groups = [b"loc:@" + _strip(g[5:].decode(), scope).encode()
                          if g.startswith(b"loc:@") else g for g in n.attr["_class"].list.s]
                del n.attr["_class"].list.s[:]
                n.attr["_class"].list.s.extend(groups)
        if clear_devices:
            n.device = ""
    return out


def write_proto(message: Any, path: str, as_text: bool = False) -> str:
    """Writes a proto atomically (text format or binary, map entries in key order);
    returns ``path``."""
    if as_text:
        data = proto_text.message_to_string(message).encode("utf-8")
    else:
        data = message.SerializeToString(deterministic=True)
    atomic_file.write_bytes(path, data)
    return path


def read_meta_graph_file(path: str) -> Any:
    """The ``MetaGraphDef`` in ``path`` (binary or text format).

    Raises:
        OSError: if the file cannot be read.
        ValueError: if it is not a MetaGraphDef (an older trainkit's JSON ``.meta``
            included: it holds no graph).
    """
    pb = protos()
    with open(path, "rb") as f:
        data = f.read()
    if data.lstrip().startswith(b"{") and b'"format"' in data[:200]:
        raise ValueError(f"{path} is a JSON checkpoint record written by an older trainkit; "
                         "it holds no graph to import. Rebuild the graph in Python and "
                         "restore the checkpoint with a Saver.")
    meta = pb.MetaGraphDef()
    try:
        meta.ParseFromString(data)
    except Exception:  # noqa: BLE001 - protobuf raises its own DecodeError
        from google.protobuf import text_format

        try:
            text_format.Parse(data.decode("utf-8"), meta)
        except Exception:  # noqa: BLE001 - not text format either
            raise ValueError(f"{path} is not a MetaGraphDef (binary or text).") from None
    return meta


def write_graph(graph_or_graph_def: Any, logdir: str, name: str, as_text: bool = True
                ) -> str:
    """Writes a graph's complete ``GraphDef`` to ``logdir/name`` (text format by default,
    as TF's ``graph.pbtxt``); returns the path."""
    gd = graph_or_graph_def
    if logdir and not os.path.isdir(logdir):
        os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if hasattr(gd, "node"):
        return write_proto(gd, path, as_text)
    if as_text:
        return write_proto(_graph_def.graph_def_of(gd, full=True), path, as_text)
    atomic_file.write_bytes(path, _graph_def.graph_def_bytes(gd, full=True))
    return path


__all__ = ["export_meta_graph", "write_graph", "read_meta_graph_file", "saver_def_proto",
           "write_proto", "cached_meta_graph_bytes", "VARIABLE_COLLECTIONS"]
