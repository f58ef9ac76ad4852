"""``graph_def_bytes``: the wire bytes equal protobuf's deterministic serialization of the
NodeDefs ``node_def_of`` builds (the oracle), for every kind of export; each op is
serialized once per graph edit epoch and kind, and a change to the graph (a new op, a
refined shape, a device, a control input, a loop's gradient) shows in the next export."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework import graph_def as gdef

KINDS = [{"add_shapes": False, "full": False}, {"add_shapes": True, "full": False},
         {"add_shapes": False, "full": True}, {"add_shapes": True, "full": True}]


def expected_bytes(graph, add_shapes, full):
    pb = gdef.proto_classes()
    gd = pb.GraphDef(versions=pb.VersionDef(producer=gdef.PRODUCER_VERSION))
    gd.node.extend(gdef.node_def_of(op, add_shapes, full) for op in graph.get_operations())
    return gd.SerializeToString(deterministic=True)


def assert_current(graph):
    for kind in KINDS:
        assert gdef.graph_def_bytes(graph, **kind) == expected_bytes(graph, **kind), kind


def varied_graph():
    g = tk.Graph()
    with g.as_default():
        tk.train.get_or_create_global_step()
        x = tk.placeholder(tk.float32, [None, 3], name="x")
        tk.constant(["h\u00e9", "a\"b"], name="strs")
        tk.constant(b"\x00\xff", name="raw")
        big = tk.constant(np.arange(40, dtype=np.float32).reshape(4, 10), name="big")
        with tk.device("/job:ps/task:0"):
            w = tk.Variable(tk.ones([3, 1]), name="w")
        with tk.colocate_with(w):
            wd = tk.identity(w, name="w_copy")
        with tk.control_dependencies([wd]):
            y = tk.nn.leaky_relu(tk.matmul(x, wd), alpha=0.1)
        i, r = tk.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.0),
                             [tk.constant(0), tk.reduce_sum(y)])
        c = tk.cond(r > 0, lambda: r + 1.0, lambda: r - 1.0)
        tk.py_func(lambda a: a, [big], tk.float32, name="pyf")
        tk.summary.scalar("c", c)
    return g, x, y, r


def test_bytes_match_protobuf_deterministic_serialization():
    g, *_ = varied_graph()
    assert_current(g)
    # what the writer puts in the event file: TensorBoard's own class reads the same nodes
    tb_graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")
    read = tb_graph_pb2.GraphDef.FromString(gdef.graph_def_bytes(g, add_shapes=True))
    assert [n.name for n in read.node] == [op.name for op in g.get_operations()]
    assert read.versions.producer == gdef.PRODUCER_VERSION


def test_each_op_is_serialized_once_per_kind(monkeypatch):
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, 2], name="x")
        for k in range(400):  # a big graph, built cheaply
            x = tk.add(x, float(k), name=f"a{k}")
    calls = []
    real = gdef._node_pieces
    monkeypatch.setattr(gdef, "_node_pieces", lambda op, full: calls.append(op) or
                        real(op, full))
    n = len(g.get_operations())
    first = gdef.graph_def_bytes(g, full=True)
    assert len(calls) == n > 800
    # again, and with shapes: no op serialized again
    assert gdef.graph_def_bytes(g, full=True) == first
    gdef.graph_def_bytes(g, add_shapes=True, full=True)
    assert len(calls) == n
    with g.as_default():
        tk.identity(x, name="more")
    assert gdef.graph_def_bytes(g, full=True).startswith(first[:-len(gdef._VERSIONS)])
    assert len(calls) == n + 1  # only the new op
    assert_current(g)


def test_changes_to_existing_ops_show_in_the_next_export():
    g = tk.Graph()
    with g.as_default():
        a = tk.placeholder(tk.float32, None, name="a")
        b = tk.identity(a, name="b")
        c = tk.constant(1.0, name="c")
    before = [gdef.graph_def_bytes(g, **kind) for kind in KINDS]
    epoch = g.edit_epoch
    a.set_shape([2, 3])
    assert g.edit_epoch > epoch
    after = [gdef.graph_def_bytes(g, **kind) for kind in KINDS]
    assert after[0] == before[0]  # no shapes in it
    assert after[1] != before[1] and after[2] != before[2] and after[3] != before[3]
    assert_current(g)
    b.op.set_device("/job:worker/task:1")
    assert_current(g)
    assert gdef.graph_def_of(g).node[1].device == "/job:worker/task:1"
    b.op._add_control_input(c.op)
    assert_current(g)
    assert list(gdef.graph_def_of(g).node[1].input) == ["a", "^c"]


def test_loop_gradient_and_returned_messages():
    g, x, y, r = varied_graph()
    for kind in KINDS:
        gdef.graph_def_bytes(g, **kind)
    with g.as_default():
        tk.gradients(r, [x])  # a WhileGrad op; the forward frame keeps its history
    assert_current(g)
    gd = g.as_graph_def()
    gd.node[0].name = "changed"  # a new message each time: the kept bytes stay
    assert g.as_graph_def().node[0].name != "changed"


def test_edit_epoch_only_grows_on_changes():
    g = tk.Graph()
    with g.as_default():
        a = tk.placeholder(tk.float32, [None], name="a")
    epoch = g.edit_epoch
    with g.as_default():
        tk.identity(a)
    a.set_shape([None])  # no refinement: nothing changed
    assert g.edit_epoch == epoch
    a.set_shape([4])
    assert g.edit_epoch == epoch + 1
