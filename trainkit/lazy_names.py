"""The names ``import trainkit`` resolves on first use: public submodules (``tk.train``,
``tk.nn``, ...), the summary and graph protos and the TF1 data-layer classes, so that the import
itself stays light (see ``trainkit.__getattr__``)."""

from __future__ import annotations

import importlib
from typing import Any

# Public submodules imported on first attribute access (``tk.train``, ``tk.nn``, ...).
# tests/test_public_api.py checks that each exists and that every façade module is here.
SUBMODULES = {
    "train", "summary", "data", "layers", "losses", "metrics", "nn", "initializers",
    "debugging", "sparse", "random", "math", "regularizers", "client", "contrib", "rnn_cell",
    "app", "flags", "gfile", "logging", "io", "python_io", "image", "graph_util", "compat",
    "estimator", "feature_column", "strings", "linalg", "lookup", "spectral", "signal",
    "quantization", "keras", "version", "test", "config", "bitwise", "dtypes",
    "manip", "sets", "distributions", "saved_model", "profiler", "queue", "resource_loader",
    "autograph", "audio",
}

PROTOS = {"Summary", "Event", "SessionLog", "HistogramProto", "SummaryMetadata"}
# tf.GraphDef & co.: the classes of ``Graph.as_graph_def()`` and ``Operation.node_def``
GRAPH_PROTOS = {"GraphDef", "NodeDef", "AttrValue"}

# TF1 queues, readers, record parsing and file ops (the data layer).
NAMES = {
    **dict.fromkeys(("FIFOQueue", "PaddingFIFOQueue", "QueueBase", "RandomShuffleQueue"),
                    "trainkit.data.queues"),
    **dict.fromkeys(("ReaderBase", "TextLineReader", "FixedLengthRecordReader",
                     "WholeFileReader", "TFRecordReader"), "trainkit.data.readers"),
    **dict.fromkeys(("FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature",
                     "parse_example", "parse_single_example"), "trainkit.data.parsing_ops"),
    "parse_single_sequence_example": "trainkit.data.sequence_parsing_ops",
    **dict.fromkeys(("decode_csv", "decode_raw"), "trainkit.data.decode_ops"),
    **dict.fromkeys(("read_file", "write_file", "matching_files"), "trainkit.data.io_ops"),
    # tf.VERSION & co. (trainkit/version.py) and tf.get_logger
    **dict.fromkeys(("VERSION", "GIT_VERSION", "COMPILER_VERSION", "GRAPH_DEF_VERSION",
                     "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER"),
                    "trainkit.version"),
    "get_logger": "trainkit.platform.tf_logging",
    # TF1 top-level names built on the op library, imported on first use
    "add_check_numerics_ops": "trainkit.ops.numerics",
    "hessians": "trainkit.autodiff.hessians",
    **dict.fromkeys(("broadcast_static_shape", "broadcast_dynamic_shape"),
                    "trainkit.ops.broadcast_shapes"),
    "switch_case": "trainkit.ops.switch_case",
    **dict.fromkeys(("tensor_scatter_nd_max", "tensor_scatter_nd_min",
                     "batch_scatter_update"), "trainkit.ops.scatter_ops"),
    "histogram_fixed_width_bins": "trainkit.ops.math_more",
    "bitcast": "trainkit.ops.bitcast_ops",
    "timestamp": "trainkit.ops.logging_ops",
    "sparse_matmul": "trainkit.ops.matmul_ops",
    **dict.fromkeys(("to_complex64", "to_complex128"), "trainkit.ops.cast_ops"),
    **dict.fromkeys(("init_scope", "op_scope", "variable_op_scope"),
                    "trainkit.ops.legacy_scopes"),
    **dict.fromkeys(("guarantee_const", "grad_pass_through", "recompute_grad"),
                    "trainkit.ops.gradient_wrappers"),
    **dict.fromkeys(("convert_to_tensor_or_indexed_slices",
                     "convert_to_tensor_or_sparse_tensor"),
                    "trainkit.framework.composite_conversion"),
    "OpError": "trainkit.errors",
    "DeviceSpec": "trainkit.framework.device_spec",
    "TensorSpec": "trainkit.framework.tensor_spec",
    "required_space_to_batch_paddings": "trainkit.ops.space_batch_paddings",
    "create_partitioned_variables": "trainkit.ops.create_partitioned",
    **dict.fromkeys(("encode_base64", "decode_base64"), "trainkit.ops.base64_ops"),
    **dict.fromkeys(("serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse"),
                    "trainkit.ops.sparse_serialization"),
    "decode_compressed": "trainkit.ops.compression_ops",
}


def resolve(name: str) -> Any:
    """The value of the lazily imported top-level ``name``.

    Raises:
        AttributeError: if ``trainkit`` has no such name.
    """
    if name in PROTOS:  # tf.Summary & co.; protobuf is imported on first use only
        from trainkit.summary.summary_proto import pb

        return getattr(pb(), name)
    if name in GRAPH_PROTOS:
        from trainkit.framework.graph_def import proto_classes

        return getattr(proto_classes(), name)
    if name in NAMES:
        return getattr(importlib.import_module(NAMES[name]), name)
    if name in SUBMODULES:
        try:
            return importlib.import_module(f"trainkit.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"trainkit.{name}":
                raise AttributeError(f"module 'trainkit' has no attribute '{name}'") from None
            raise
    raise AttributeError(f"module 'trainkit' has no attribute '{name}'")
