"""The protobuf messages of a TF ``MetaGraphDef`` and ``SavedModel`` that tensorboardX does
not ship: ``MetaGraphDef`` (with ``MetaInfoDef`` and its ``signature_def`` map),
``CollectionDef``, ``SaverDef``, ``VariableDef``, ``SignatureDef``, ``TensorInfo``,
``AssetFileDef`` and ``SavedModel``.

They are declared here from TF's ``meta_graph.proto``, ``saver.proto``, ``variable.proto``
and ``saved_model.proto`` field numbers (only the fields trainkit reads or writes) on top
of tensorboardX's ``GraphDef``, ``TensorShapeProto``, ``TensorProto`` and ``DataType``, so
the bytes are the wire format TF reads and writes: ``tf.compat.v1.MetaGraphDef.FromString``
parses a trainkit ``.meta`` file and ``saved_model_pb2.SavedModel.FromString`` a trainkit
``saved_model.pb``, and vice versa.

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
                       ("float_list", 4, _MSG, _OPT, "CollectionDef.FloatList"),
                       ("any_list", 5, _MSG, _OPT, "CollectionDef.AnyList")]),
    ("CollectionDef.AnyList", [("value", 1, _MSG, _REP, ".google.protobuf.Any")]),
    ("CollectionDef.NodeList", [("value", 1, _STRING, _REP, None)]),
    ("CollectionDef.BytesList", [("value", 1, _BYTES, _REP, None)]),
    ("CollectionDef.Int64List", [("value", 1, _INT64, _REP, None)]),
    ("CollectionDef.FloatList", [("value", 1, _FLOAT, _REP, None)]),
    ("MetaGraphDef", [("meta_info_def", 1, _MSG, _OPT, "MetaGraphDef.MetaInfoDef"),
                      ("graph_def", 2, _MSG, _OPT, ".tensorboardX.GraphDef"),
                      ("saver_def", 3, _MSG, _OPT, "SaverDef"),
                      ("collection_def", 4, _MSG, _REP, "MetaGraphDef.CollectionDefEntry"),
                      ("signature_def", 5, _MSG, _REP, "MetaGraphDef.SignatureDefEntry"),
                      ("asset_file_def", 6, _MSG, _REP, "AssetFileDef")]),
    ("MetaGraphDef.MetaInfoDef", [("meta_graph_version", 1, _STRING, _OPT, None),
                                  ("tags", 4, _STRING, _REP, None),
                                  ("tensorflow_version", 5, _STRING, _OPT, None),
                                  ("tensorflow_git_version", 6, _STRING, _OPT, None),
                                  ("stripped_default_attrs", 7, _BOOL, _OPT, None)]),
    ("MetaGraphDef.CollectionDefEntry", [("key", 1, _STRING, _OPT, None),
                                         ("value", 2, _MSG, _OPT, "CollectionDef")]),
    ("MetaGraphDef.SignatureDefEntry", [("key", 1, _STRING, _OPT, None),
                                        ("value", 2, _MSG, _OPT, "SignatureDef")]),
    ("TensorInfo", [("name", 1, _STRING, _OPT, None),
                    ("coo_sparse", 4, _MSG, _OPT, "TensorInfo.CooSparse"),
                    ("dtype", 2, _ENUM, _OPT, ".tensorboardX.DataType"),
                    ("tensor_shape", 3, _MSG, _OPT, ".tensorboardX.TensorShapeProto")]),
    ("TensorInfo.CooSparse", [("values_tensor_name", 1, _STRING, _OPT, None),
                              ("indices_tensor_name", 2, _STRING, _OPT, None),
                              ("dense_shape_tensor_name", 3, _STRING, _OPT, None)]),
    ("SignatureDef", [("inputs", 1, _MSG, _REP, "SignatureDef.InputsEntry"),
                      ("outputs", 2, _MSG, _REP, "SignatureDef.OutputsEntry"),
                      ("method_name", 3, _STRING, _OPT, None),
                      ("defaults", 4, _MSG, _REP, "SignatureDef.DefaultsEntry")]),
    ("SignatureDef.InputsEntry", [("key", 1, _STRING, _OPT, None),
                                  ("value", 2, _MSG, _OPT, "TensorInfo")]),
    ("SignatureDef.OutputsEntry", [("key", 1, _STRING, _OPT, None),
                                   ("value", 2, _MSG, _OPT, "TensorInfo")]),
    ("SignatureDef.DefaultsEntry", [("key", 1, _STRING, _OPT, None),
                                    ("value", 2, _MSG, _OPT, ".tensorboardX.TensorProto")]),
    ("AssetFileDef", [("tensor_info", 1, _MSG, _OPT, "TensorInfo"),
                      ("filename", 2, _STRING, _OPT, None)]),
    ("SavedModel", [("saved_model_schema_version", 1, _INT64, _OPT, None),
                    ("meta_graphs", 2, _MSG, _REP, "MetaGraphDef")]),
]
# Fields that share a oneof, as in TF (TensorInfo's name vs coo_sparse: WhichOneof works).
_ONEOFS = {"TensorInfo": ("encoding", ("name", "coo_sparse"))}


@functools.cache
def protos() -> types.SimpleNamespace:
    """The message classes (built once): ``MetaGraphDef``, ``CollectionDef``,
    ``SaverDef``, ``VariableDef``, ``SignatureDef``, ``TensorInfo``, ``AssetFileDef``,
    ``SavedModel``, plus tensorboardX's ``GraphDef``, ``TensorShapeProto`` and
    ``TensorProto`` and protobuf's ``Any``."""
    from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
    from tensorboardX.proto import graph_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_FILE)
    except KeyError:
        fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package="trainkit.meta",
                                                 syntax="proto3")
        fdp.dependency.extend(m.DESCRIPTOR.name for m in (graph_pb2, types_pb2,
                                                            tensor_shape_pb2, tensor_pb2,
                                                            any_pb2))
        built: dict[str, descriptor_pb2.DescriptorProto] = {}
        for full, fields in _MESSAGES:
            parent, _, short = full.rpartition(".")
            msg = (built[parent].nested_type.add() if parent else fdp.message_type.add())
            msg.name = short
            if short.endswith("Entry"):
                msg.options.map_entry = True
            oneof_name, oneof_fields = _ONEOFS.get(full, (None, ()))
            if oneof_name:
                msg.oneof_decl.add(name=oneof_name)
            for fname, num, ftype, label, tname in fields:
                f = msg.field.add(name=fname, number=num, type=ftype, label=label)
                if fname in oneof_fields:
                    f.oneof_index = 0
                if tname is not None:
                    f.type_name = tname if tname.startswith(".") else ".trainkit.meta." + tname
            built[full] = msg
        pool.Add(fdp)
    classes = message_factory.GetMessageClassesForFiles([_FILE], pool)
    ns = {name.rpartition(".")[2]: cls for name, cls in classes.items()}
    return types.SimpleNamespace(GraphDef=graph_pb2.GraphDef, Any=any_pb2.Any,
                                 TensorShapeProto=tensor_shape_pb2.TensorShapeProto,
                                 TensorProto=tensor_pb2.TensorProto, **ns)


__all__ = ["protos"]
