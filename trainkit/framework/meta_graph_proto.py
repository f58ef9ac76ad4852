"""The protobuf messages of a TF ``MetaGraphDef`` that tensorboardX does not ship:
``MetaGraphDef`` (with ``MetaInfoDef``), ``CollectionDef``, ``SaverDef`` and
``VariableDef``.

They are declared here from TF's ``meta_graph.proto``, ``saver.proto`` and
``variable.proto`` field numbers (only the fields trainkit reads or writes) on top of
tensorboardX's ``GraphDef``, so the bytes are the wire format TF reads and writes:
``tf.compat.v1.MetaGraphDef.FromString`` parses a trainkit ``.meta`` file and vice versa.

Example:
    >>> pb = protos()
    >>> m = pb.MetaGraphDef()
    >>> m.collection_def["train_op"].node_list.value.append("Adam")
"""

from __future__ import annotations

import functools
import types

_FILE = "trainkit/meta_graph.proto"

# (message name, [(field name, number, type, label, type_name)]); nested names use dots.
_STRING, _BYTES, _BOOL, _INT32, _INT64, _FLOAT, _MSG, _ENUM = 9, 12, 8, 5, 3, 2, 11, 14
_OPT, _REP = 1, 3
_MESSAGES = [
    ("SaverDef", [("filename_tensor_name", 1, _STRING, _OPT, None),
                  ("save_tensor_name", 2, _STRING, _OPT, None),
                  ("restore_op_name", 3, _STRING, _OPT, None),
                  ("max_to_keep", 4, _INT32, _OPT, None),
                  ("sharded", 5, _BOOL, _OPT, None),
                  ("keep_checkpoint_every_n_hours", 6, _FLOAT, _OPT, None),
                  ("version", 7, _INT32, _OPT, None)]),
    ("VariableDef", [("variable_name", 1, _STRING, _OPT, None),
                     ("initializer_name", 2, _STRING, _OPT, None),
                     ("snapshot_name", 3, _STRING, _OPT, None),
                     ("save_slice_info_def", 4, _MSG, _OPT, "SaveSliceInfoDef"),
                     ("is_resource", 5, _BOOL, _OPT, None),
                     ("initial_value_name", 6, _STRING, _OPT, None),
                     ("trainable", 7, _BOOL, _OPT, None),
                     ("synchronization", 8, _INT32, _OPT, None),
                     ("aggregation", 9, _INT32, _OPT, None)]),
    ("SaveSliceInfoDef", [("full_name", 1, _STRING, _OPT, None),
                          ("full_shape", 2, _INT64, _REP, None),
                          ("var_offset", 3, _INT64, _REP, None),
                          ("var_shape", 4, _INT64, _REP, None)]),
    ("CollectionDef", [("node_list", 1, _MSG, _OPT, "CollectionDef.NodeList"),
                       ("bytes_list", 2, _MSG, _OPT, "CollectionDef.BytesList"),
                       ("int64_list", 3, _MSG, _OPT, "CollectionDef.Int64List"),
                       ("float_list", 4, _MSG, _OPT, "CollectionDef.FloatList")]),
    ("CollectionDef.NodeList", [("value", 1, _STRING, _REP, None)]),
    ("CollectionDef.BytesList", [("value", 1, _BYTES, _REP, None)]),
    ("CollectionDef.Int64List", [("value", 1, _INT64, _REP, None)]),
    ("CollectionDef.FloatList", [("value", 1, _FLOAT, _REP, None)]),
    ("MetaGraphDef", [("meta_info_def", 1, _MSG, _OPT, "MetaGraphDef.MetaInfoDef"),
                      ("graph_def", 2, _MSG, _OPT, ".tensorboardX.GraphDef"),
                      ("saver_def", 3, _MSG, _OPT, "SaverDef"),
                      ("collection_def", 4, _MSG, _REP, "MetaGraphDef.CollectionDefEntry")]),
    ("MetaGraphDef.MetaInfoDef", [("meta_graph_version", 1, _STRING, _OPT, None),
                                  ("tags", 4, _STRING, _REP, None),
                                  ("tensorflow_version", 5, _STRING, _OPT, None),
                                  ("tensorflow_git_version", 6, _STRING, _OPT, None),
                                  ("stripped_default_attrs", 7, _BOOL, _OPT, None)]),
    ("MetaGraphDef.CollectionDefEntry", [("key", 1, _STRING, _OPT, None),
                                         ("value", 2, _MSG, _OPT, "CollectionDef")]),
]


@functools.cache
def protos() -> types.SimpleNamespace:
    """The message classes (built once): ``MetaGraphDef``, ``CollectionDef``,
    ``SaverDef``, ``VariableDef``, plus tensorboardX's ``GraphDef``."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    from tensorboardX.proto import graph_pb2

    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_FILE)
    except KeyError:
        fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package="trainkit.meta",
                                                 syntax="proto3")
        fdp.dependency.append(graph_pb2.DESCRIPTOR.name)
        built: dict[str, descriptor_pb2.DescriptorProto] = {}
        for full, fields in _MESSAGES:
            parent, _, short = full.rpartition(".")
            msg = (built[parent].nested_type.add() if parent else fdp.message_type.add())
            msg.name = short
            if short.endswith("Entry"):
                msg.options.map_entry = True
            for fname, num, ftype, label, tname in fields:
                f = msg.field.add(name=fname, number=num, type=ftype, label=label)
                if tname is not None:
                    f.type_name = tname if tname.startswith(".") else ".trainkit.meta." + tname
            built[full] = msg
        pool.Add(fdp)
    classes = message_factory.GetMessageClassesForFiles([_FILE], pool)
    ns = {name.rpartition(".")[2]: cls for name, cls in classes.items()}
    return types.SimpleNamespace(GraphDef=graph_pb2.GraphDef, **ns)


__all__ = ["protos"]
