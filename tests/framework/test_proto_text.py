"""``proto_text.message_to_string`` against protobuf's own printer
(``google.protobuf.text_format.MessageToString``, the oracle): the same text for escapes,
float32 shortest forms, enums, maps (sorted, empty keys, zero values), packed and
unresolvable ``Any``, default values and a whole graph built from many small ops."""

from __future__ import annotations

import numpy as np
import pytest
from google.protobuf import text_format

import trainkit as tk
from trainkit.framework import graph_def as gdef
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.proto_text import message_to_string

meta_graph_pb2 = pytest.importorskip("tensorboard.compat.proto.meta_graph_pb2")
config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")


def same_as_protobuf(message):
    expected = text_format.MessageToString(message)
    assert message_to_string(message) == expected
    return expected


def test_escapes_floats_enums_and_attr_map():
    pb = gdef.proto_classes()
    av, lv = pb.AttrValue, pb.AttrValue.ListValue
    node = pb.NodeDef(name="x\u00e9\n\"'\\\x01\x7f", op="", input=["a:1", "^b"])
    for key, value in {"": av(), "f": av(f=0.1), "negzero": av(f=-0.0),
                       "nan": av(f=float("nan")), "inf": av(f=float("-inf")),
                       "zero_int": av(i=0), "false": av(b=False),
                       "all_bytes": av(s=bytes(range(256))), "bad_enum": av(type=999),
                       "z\u00e9": av(type=1),
                       "list": av(list=lv(f=[1e-45, 3.4028234663852886e38, 1 / 3, 16777217.0],
                                          s=[b"", "\u00e9".encode()]))}.items():
        node.attr[key].CopyFrom(value)
    text = same_as_protobuf(node)
    # hand-checked pieces of protobuf's format
    assert 'name: "x\u00e9\\n\\"\\\'\\\\\\001\\177"' in text
    assert "f: 0.1\n" in text and "f: -0.0\n" in text and "f: nan\n" in text
    assert "type: 999\n" in text and "type: DT_FLOAT\n" in text
    assert text.index('key: "all_bytes"') < text.index('key: "bad_enum"') \
        < text.index('key: "z\u00e9"')
    assert 'key: ""' not in text  # an entry's empty key is not printed


def test_any_packed_unresolvable_and_without_type_url():
    meta = meta_graph_pb2.MetaGraphDef()
    meta.collection_def["assets"].any_list.value.add().Pack(
        meta_graph_pb2.AssetFileDef(filename="vocab.txt"))
    odd = meta.collection_def["odd"].any_list.value
    odd.add(type_url="no_slash", value=b"\x01")
    odd.add(type_url="x/unknown.Type", value=b"\x08\x01")
    meta.signature_def["serve"].inputs["x"].name = "x:0"
    meta.signature_def[""].method_name = ""
    text = same_as_protobuf(meta)
    assert "[type.googleapis.com/tensorboard.AssetFileDef] {" in text


def test_default_values_and_scalar_maps():
    pb = protos()
    meta = pb.MetaGraphDef()
    meta.saver_def.max_to_keep = 0  # a default value: not printed
    meta.saver_def.sharded = False
    meta.collection_def[""].float_list.value.extend([0.0, 0.1])
    meta.collection_def["ints"].int64_list.value.extend([0, -1, 2**62])
    text = same_as_protobuf(meta)
    assert "saver_def {\n}\n" in text and "value: 4611686018427387904\n" in text
    config = config_pb2.ConfigProto()
    config.device_count.update({"CPU": 0, "GPU": 2, "": 1})
    same_as_protobuf(config)
    assert message_to_string(pb.SaverDef()) == ""


def test_a_graph_of_many_small_ops():
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, 3], name="x")
        total = tk.constant(np.arange(20, dtype=np.float32).reshape(4, 5))
        for i in range(60):
            y = tk.nn.relu(x * float(i) + 0.5, name=f"layer{i}")
            total = total + tk.reduce_sum(y)
        tk.train.GradientDescentOptimizer(0.1).minimize(tk.reduce_sum(tk.Variable(
            tk.zeros([5])) * total))
    for kwargs in ({"add_shapes": True}, {"full": True}):
        assert len(g.get_operations()) > 500
        same_as_protobuf(gdef.graph_def_of(g, **kwargs))
