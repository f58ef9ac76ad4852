"""GraphDef export: node names, types, inputs, devices, attrs and ``_output_shapes``,
checked by parsing the bytes with TensorBoard's own GraphDef class."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework import graph_def as gdef

tb_graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")


def tb_nodes(graph, add_shapes=True):
    # The TensorBoard form (what FileWriter writes): small attrs only.
    data = gdef.graph_def_of(graph, add_shapes=add_shapes).SerializeToString()
    return {n.name: n for n in tb_graph_pb2.GraphDef.FromString(data).node}


def dims(shape_proto):
    return None if shape_proto.unknown_rank else [d.size for d in shape_proto.dim]


def test_nodes_inputs_control_edges_and_device():
    g = tk.Graph()
    with g.as_default():
        a = tk.constant(1.0, name="a")
        x = tk.placeholder(tk.float32, shape=[None, 4], name="x")
        pair = g.create_op("Pair", [x], [tk.float32, tk.int32], name="pair",
                           shapes=[[None, 4], None])
        with tk.control_dependencies([a]):
            y = tk.identity(pair.outputs[1], name="y")
        with tk.device("/job:w/gpu:0"):
            z = tk.add(pair.outputs[0], a, name="z")
    nodes = tb_nodes(g)
    assert list(nodes) == ["a", "x", "pair", "y", "z"]
    assert nodes["pair"].op == "Pair" and list(nodes["pair"].input) == ["x"]
    assert list(nodes["y"].input) == ["pair:1", "^a"]
    assert list(nodes["z"].input) == ["pair", "a"]
    # As TF 2.21: a node carries the device its op recorded (canonical form), else ''.
    assert {k: n.device for k, n in nodes.items()} == {
        "a": "", "x": "", "pair": "", "y": "", "z": "/job:w/device:GPU:0"}
    assert g.as_graph_def().versions.producer > 0
    del y, z


def test_output_shapes_use_minus_one_and_unknown_rank():
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, shape=[None, 4], name="x")
        g.create_op("Pair", [x], [tk.float32, tk.int32], name="pair", shapes=[[None, 4], None])
        tk.constant(3, name="s")
    nodes = tb_nodes(g)
    assert [dims(s) for s in nodes["x"].attr["_output_shapes"].list.shape] == [[-1, 4]]
    assert [dims(s) for s in nodes["pair"].attr["_output_shapes"].list.shape] == [[-1, 4], None]
    assert [dims(s) for s in nodes["s"].attr["_output_shapes"].list.shape] == [[]]
    assert "_output_shapes" not in tb_nodes(g, add_shapes=False)["x"].attr


def test_ops_without_outputs_have_no_output_shapes():
    g = tk.Graph()
    with g.as_default():
        g.create_op("NoOp", [], [], name="init")
    assert "_output_shapes" not in tb_nodes(g)["init"].attr


def test_dtype_and_t_attrs():
    g = tk.Graph()
    with g.as_default():
        a = tk.constant(np.zeros(2, np.int64), name="a")
        g.create_op("Foo", [a], [tk.float64], name="foo")
        g.create_op("Bar", [], [tk.uint8], name="bar")
    nodes = tb_nodes(g)
    assert nodes["a"].attr["dtype"].type == 9  # DT_INT64
    assert nodes["foo"].attr["T"].type == 9  # T is input 0's type
    assert nodes["bar"].attr["dtype"].type == 4  # DT_UINT8


def test_small_attrs_are_kept_and_tensor_contents_only_when_tiny():
    g = tk.Graph()
    with g.as_default():
        tk.constant(np.arange(3, dtype=np.float32), name="tiny")
        tk.constant(np.zeros((100, 100), np.float32), name="big")
        g.create_op("Attrs", [], [], name="attrs", attrs={
            "flag": True, "n": 7, "rate": 0.5, "mode": "SAME", "perm": [1, 0],
            "scales": [0.5, 2], "names": ["a", "b"], "shape": tk.TensorShape([None, 3]),
            "dtypes": [tk.float32, tk.int32], "fn": print, "_private": 1, "mixed": [1, "a"],
            "huge_str": "x" * 5000})
    nodes = tb_nodes(g)
    tiny = nodes["tiny"].attr["value"].tensor
    assert tiny.dtype == 1 and list(tiny.float_val) == [0.0, 1.0, 2.0]
    assert [d.size for d in tiny.tensor_shape.dim] == [3]
    assert "value" not in nodes["big"].attr and nodes["big"].attr["dtype"].type == 1
    at = nodes["attrs"].attr
    assert at["flag"].b is True and at["n"].i == 7 and at["rate"].f == 0.5
    assert at["mode"].s == b"SAME" and list(at["perm"].list.i) == [1, 0]
    assert list(at["scales"].list.f) == [0.5, 2.0] and list(at["names"].list.s) == [b"a", b"b"]
    assert dims(at["shape"].shape) == [-1, 3]
    assert list(at["dtypes"].list.type) == [1, 3]
    for absent in ("fn", "_private", "mixed", "huge_str"):
        assert absent not in at


def test_attr_value_of_string_and_int_arrays():
    s = gdef.attr_value(np.array([b"a", "b"], dtype=object)).tensor
    assert s.dtype == 7 and list(s.string_val) == [b"a", b"b"]
    i = gdef.attr_value(np.array([[1, 2]], np.int32)).tensor
    assert i.dtype == 3 and list(i.int_val) == [1, 2]
    assert gdef.attr_value(np.zeros(2, np.complex64)) is None
    assert gdef.attr_value(None) is None


def test_node_def_property_of_operation():
    c = tk.constant(2.0, name="two")
    nd = c.op.node_def
    assert (nd.name, nd.op, nd.device) == ("two", "Const", "")
    assert gdef.node_def_of(c.op, add_shapes=True).attr["_output_shapes"].list.shape[0].dim \
        == []


def test_summary_ops_appear_in_the_graph():
    tk.summary.scalar("loss", tk.constant(1.0, name="l"))
    nodes = tb_nodes(tk.get_default_graph())
    # TF's operands (TF 2.21): the tag Const ``loss/tags``, then the value
    assert nodes["loss"].op == "ScalarSummary"
    assert list(nodes["loss"].input) == ["loss/tags", "l"]
    assert nodes["loss"].attr["tag"].s == b"loss"


def test_as_graph_def_is_complete():
    # Graph.as_graph_def keeps every constant and attribute (for import_graph_def).
    g = tk.Graph()
    with g.as_default():
        tk.constant(np.arange(300, dtype=np.float32).reshape(3, 100), name="big")
    node = {n.name: n for n in tb_graph_pb2.GraphDef.FromString(
        g.as_graph_def().SerializeToString()).node}["big"]
    t = node.attr["value"].tensor
    np.testing.assert_array_equal(np.frombuffer(t.tensor_content, np.float32),
                                  np.arange(300, dtype=np.float32))
    assert list(node.attr["_output_types"].list.type) == [1]


def test_graph_def_node_def_and_attr_value_are_public_classes(tmp_path):
    """``tf.GraphDef``, ``tf.NodeDef`` and ``tf.AttrValue`` (all three in TF 2.21's
    ``tf.compat.v1``) are the classes ``as_graph_def()`` and ``Operation.node_def``
    return: the frozen-graph idiom ``GraphDef()`` + ``ParseFromString`` +
    ``import_graph_def`` runs, and a device function's ``isinstance(op, tf.NodeDef)``
    (aymericdamien's multigpu_cnn.py) tells a NodeDef from an Operation."""
    g = tk.Graph()
    with g.as_default():
        a = tk.constant(2.0, name="a")
        tk.multiply(a, 3.0, name="b")
    assert isinstance(g.as_graph_def(), tk.GraphDef)
    assert isinstance(a.op.node_def, tk.NodeDef) and not isinstance(a.op, tk.NodeDef)
    path = tmp_path / "frozen.pb"
    path.write_bytes(g.as_graph_def().SerializeToString())
    graph_def = tk.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    with tk.Graph().as_default():
        (b,) = tk.import_graph_def(graph_def, return_elements=["b:0"], name="")
        with tk.Session() as sess:
            assert sess.run(b) == 6.0
    node = tk.NodeDef(name="x", op="Const", attr={"dtype": tk.AttrValue(type=1)})
    assert (node.op, node.attr["dtype"].type) == ("Const", 1)
    with pytest.raises(AttributeError, match="no attribute 'NodeDefs'"):
        tk.NodeDefs  # noqa: B018


def test_control_inputs_are_listed_sorted_by_name():
    """TF 2.21's ``as_graph_def()`` gives the ``init`` NoOp of variables x, y, x_1, y_1
    the inputs ``^x/Assign, ^x_1/Assign, ^y/Assign, ^y_1/Assign`` (sorted by name),
    while ``op.control_inputs`` keeps the order they were added in."""
    g = tk.Graph()
    with g.as_default():
        for _ in range(2):
            tk.Variable(10, name="x")
            tk.Variable(20, name="y")
        init = tk.global_variables_initializer()
    assert [c.name for c in init.control_inputs] == ["x/Assign", "y/Assign", "x_1/Assign",
                                                     "y_1/Assign"]
    (node,) = [n for n in g.as_graph_def().node if n.name == init.name]
    assert list(node.input) == ["^x/Assign", "^x_1/Assign", "^y/Assign", "^y_1/Assign"]
