"""``tk.train.replica_device_setter`` and the placement of what training builds (slots,
updates, the global step, moving averages, partitions), plus devices through GraphDef
export and import. Expected devices are what TF 2.21's ``tf.compat.v1`` (with
``disable_v2_behavior()``) records for the same code; the replica-setter cases follow
TF's own ``device_setter_test.py``."""

from __future__ import annotations

import pytest

import trainkit as tk

CLUSTER = {"ps": ["ps0:2222", "ps1:2222"],
           "worker": ["worker0:2222", "worker1:2222", "worker2:2222"]}


def _vars_and_sum():
    v = tk.Variable([1, 2], name="v")
    w = tk.Variable([2, 1], name="w")
    return v, w, v + w


@pytest.mark.parametrize("cluster", [tk.train.ClusterSpec(CLUSTER), CLUSTER])
def test_variables_round_robin_on_ps_other_ops_on_worker(cluster):
    with tk.device(tk.train.replica_device_setter(cluster=cluster)):
        v, w, a = _vars_and_sum()
    assert [v.device, v.initializer.device, w.device, w.initializer.device, a.device] == [
        "/job:ps/task:0", "/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:1", "/job:worker"]


def test_cpu_override_keeps_the_ps_task():
    with tk.device(tk.train.replica_device_setter(cluster=CLUSTER)):
        with tk.device("/cpu:0"):
            v = tk.Variable([1, 2])
        w = tk.Variable([2, 1])
        with tk.device("/cpu:0"):
            a = v + w
    assert [v.device, v.initializer.device, w.device, a.device] == [
        "/job:ps/task:0/device:CPU:0", "/job:ps/task:0/device:CPU:0", "/job:ps/task:1",
        "/job:worker/device:CPU:0"]


def test_pinned_jobs_and_explicit_ps_job():
    with tk.device(tk.train.replica_device_setter(cluster=CLUSTER)):
        v = tk.Variable([1, 2])
        with tk.device("/job:moon"):
            w = tk.Variable([2, 1])
            with tk.device("/job:ps"):  # an explicit ps job still gets a task
                x = tk.Variable([0, 1])
        a = v + w + x
    assert [v.device, w.device, w.initializer.device, x.device, a.device] == [
        "/job:ps/task:0", "/job:moon", "/job:moon", "/job:ps/task:1", "/job:worker"]


def test_cpu_as_ps_device_and_no_merging():
    with tk.device(tk.train.replica_device_setter(ps_tasks=1, ps_device="/cpu:0")):
        v = tk.Variable([1, 2])
        with tk.device("/job:moon"):
            w = tk.Variable([2, 1])
        a = v + w
    assert [v.device, w.device, a.device] == [
        "/device:CPU:0", "/job:moon/device:CPU:0", "/job:worker"]
    tk.reset_default_graph()
    with tk.device(tk.train.replica_device_setter(cluster=CLUSTER, merge_devices=False)):
        v = tk.Variable([1, 2])
        with tk.device("/job:ps"):  # kept as it is: no task without merging
            w = tk.Variable([2, 1])
        a = v + w
    assert [v.device, w.device, w.initializer.device, a.device] == [
        "/job:ps/task:0", "/job:ps", "/job:ps", "/job:worker"]


def test_named_ps_and_worker_jobs():
    cluster = {"sun": ["sun0:2222", "sun1:2222", "sun2:2222"],
               "moon": ["moon0:2222", "moon1:2222"]}
    with tk.device(tk.train.replica_device_setter(
            ps_device="/job:moon/cpu:0", worker_device="/job:sun", cluster=cluster)):
        v, w, a = _vars_and_sum()
    assert [v.device, w.device, a.device] == [
        "/job:moon/task:0/device:CPU:0", "/job:moon/task:1/device:CPU:0", "/job:sun"]


def test_setter_none_cases_strategy_and_errors():
    assert tk.train.replica_device_setter() is None
    assert tk.train.replica_device_setter(cluster={"worker": ["w:1"]}) is None
    with pytest.raises(TypeError, match="ps_strategy must be callable"):
        tk.train.replica_device_setter(ps_tasks=2, ps_strategy=3)
    seen = []

    def strategy(op):
        seen.append(op.name)
        return 5

    with tk.device(tk.train.replica_device_setter(ps_tasks=2, ps_strategy=strategy,
                                                  worker_device="/job:w/task:1")):
        v = tk.Variable(1.0, name="v")
        t = tk.identity(v, name="t")
    assert (seen, v.device, t.device) == (["v"], "/job:ps/task:5", "/job:w/task:1")


def test_training_ops_follow_their_variables():
    with tk.device(tk.train.replica_device_setter(ps_tasks=3,
                                                  worker_device="/job:worker/task:1")):
        v = tk.Variable(1.0, name="v")
        p = tk.get_variable("p", [6, 2], partitioner=tk.fixed_size_partitioner(3))
        emb = tk.nn.embedding_lookup(p, [1, 2], name="emb")
        loss = tk.reduce_sum(emb) + v
        gs = tk.train.get_or_create_global_step()
        train = tk.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=gs)
        ema_op = tk.train.ExponentialMovingAverage(0.9).apply([v])
    got = sorted((x.op.name, x.device) for x in tk.global_variables())
    assert got == [
        ("global_step", "/job:ps/task:1"), ("p/part_0", "/job:ps/task:1"),
        ("p/part_0/Momentum", "/job:ps/task:1"), ("p/part_1", "/job:ps/task:2"),
        ("p/part_1/Momentum", "/job:ps/task:2"), ("p/part_2", "/job:ps/task:0"),
        ("p/part_2/Momentum", "/job:ps/task:0"), ("v", "/job:ps/task:0"),
        ("v/ExponentialMovingAverage", "/job:ps/task:0"), ("v/Momentum", "/job:ps/task:0")]
    g = tk.get_default_graph()

    def placed(name):
        op = g.get_operation_by_name(name)
        return op.device, op.get_attr("_class")

    # slots sit beside their variable, colocated with it (TF's slot_creator)
    assert placed("v/Momentum") == ("/job:ps/task:0", [b"loc:@v"])
    assert placed("v/Momentum/Initializer/zeros") == ("/job:ps/task:0", [b"loc:@v"])
    assert placed("p/part_2/Momentum/read") == ("/job:ps/task:0", [b"loc:@p/part_2"])
    assert placed("v/ExponentialMovingAverage") == ("/job:ps/task:0", [b"loc:@v"])
    assert placed("global_step") == ("/job:ps/task:1", [b"loc:@global_step"])
    # a variable's own initializer is built outside every device scope
    assert placed("global_step/Initializer/zeros") == ("", [b"loc:@global_step"])
    assert placed("Momentum/update_v/ApplyMomentum") == ("/job:ps/task:0", [b"loc:@v"])
    assert placed("Momentum/update_p/part_1/SparseApplyMomentum") == (
        "/job:ps/task:2", [b"loc:@p/part_1"])
    assert placed("Momentum") == ("/job:ps/task:1", [b"loc:@global_step"])  # increment
    # the update group has one NoOp per ps task, the group itself is on the worker
    assert [(g.get_operation_by_name(f"Momentum/update/NoOp{s}").device) for s in
            ("", "_1", "_2")] == ["/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:2"]
    assert g.get_operation_by_name("Momentum/update").device == "/job:worker/task:1"
    assert ema_op.device == "/job:ps/task:0"  # its only update is on v's task
    assert train.device == "/job:ps/task:1" and emb.device == "/job:worker/task:1"


def test_adam_power_updates_are_colocated_with_the_first_variable():
    with tk.device(tk.train.replica_device_setter(ps_tasks=2)):
        w = tk.get_variable("w", [3, 2], initializer=tk.zeros_initializer())
        b = tk.Variable(tk.zeros([2]), name="b")
        loss = tk.reduce_sum(tk.matmul(tk.ones([1, 3]), w) + b)
        tk.train.AdamOptimizer(0.1).minimize(loss)
    g = tk.get_default_graph()
    for name in ("beta1_power", "beta1_power/initial_value", "beta2_power", "b/Adam",
                 "b/Adam_1/read", "Adam/update_b/ApplyAdam"):
        op = g.get_operation_by_name(name)
        assert (op.device, op.get_attr("_class")) == ("/job:ps/task:1", [b"loc:@b"]), name
    assert g.get_operation_by_name("w/Adam_1").device == "/job:ps/task:0"
    # hyperparameters are made once, on the worker, outside the updates' colocation
    for name in ("Adam/learning_rate", "Adam/beta1", "Adam/beta2", "Adam/epsilon"):
        op = g.get_operation_by_name(name)
        assert (op.device, "_class" in op.node_def.attr) == ("/job:worker", False), name


def test_graph_def_import_keeps_merges_and_colocates_devices():
    g = tk.Graph()
    with g.as_default():
        with tk.device("/job:ps/task:1"):
            v = tk.Variable(tk.zeros([2]), name="v")
        with tk.device("/cpu:0"):
            a = tk.identity(v, name="a")
        b = tk.identity(a, name="b")
        with tk.colocate_with(b):
            tk.identity(b, name="c")
    gd = g.as_graph_def()
    assert {n.name: n.device for n in gd.node} == {
        "zeros": "/job:ps/task:1", "v": "/job:ps/task:1", "v/Assign": "/job:ps/task:1",
        "v/read": "/job:ps/task:1", "a": "/device:CPU:0", "b": "", "c": ""}
    assert list(gd.node[-1].attr["_class"].list.s) == [b"loc:@b"]
    g2 = tk.Graph()
    with g2.as_default():
        with tk.device("/job:w/gpu:1"):
            tk.import_graph_def(gd, name="imp")
        calls = []
        with tk.device(lambda op: calls.append(op.name) or "/task:7"):
            tk.import_graph_def(gd, name="f")
    got = {op.name: (op.device, op.node_def.attr["_class"].list.s[:])
           for op in g2.get_operations()}
    assert got == {
        "imp/zeros": ("/job:ps/task:1/device:GPU:1", []),
        "imp/v": ("/job:ps/task:1/device:GPU:1", []),
        "imp/v/Assign": ("/job:ps/task:1/device:GPU:1", [b"loc:@imp/v"]),
        "imp/v/read": ("/job:ps/task:1/device:GPU:1", [b"loc:@imp/v"]),
        "imp/a": ("/job:w/device:CPU:0", []), "imp/b": ("/job:w/device:GPU:1", []),
        "imp/c": ("/job:w/device:GPU:1", [b"loc:@imp/b"]),
        "f/zeros": ("/task:7", []), "f/v": ("/task:7", []),
        "f/v/Assign": ("/task:7", [b"loc:@f/v"]), "f/v/read": ("/task:7", [b"loc:@f/v"]),
        "f/a": ("/task:7", []), "f/b": ("/task:7", []),
        "f/c": ("/task:7", [b"loc:@f/b"])}
    # the device function saw only the ops that are not colocated with another
    assert sorted(calls) == ["f/a", "f/b", "f/v", "f/zeros"]


def test_meta_graph_export_and_import_clear_devices(tmp_path):
    with tk.device("/job:ps/task:1"):
        v = tk.Variable(tk.zeros([2]), name="v")
    with tk.device("/cpu:0"):
        tk.identity(v, name="a")
    saver = tk.train.Saver()
    full = saver.export_meta_graph()
    assert {n.name: n.device for n in full.graph_def.node if n.name in ("v", "a")} == {
        "v": "/job:ps/task:1", "a": "/device:CPU:0"}
    for meta in (saver.export_meta_graph(clear_devices=True),
                 tk.train.export_meta_graph(clear_devices=True)):
        assert {n.device for n in meta.graph_def.node} == {""}
    path = str(tmp_path / "m.meta")
    tk.train.export_meta_graph(path)
    for clear, want in ((False, ("/job:ps/task:1", "/job:z/device:CPU:0")),
                        (True, ("/job:z", "/job:z"))):
        with tk.Graph().as_default() as g:
            with tk.device("/job:z"):
                tk.train.import_meta_graph(path, clear_devices=clear)
            got = (g.get_operation_by_name("v").device, g.get_operation_by_name("a").device)
            assert got == want


def test_export_scope_strips_colocation_names():
    with tk.name_scope("outer"):
        with tk.device("/job:w"):
            c = tk.Variable(1.0, name="c")
        tk.identity(c, name="d")
    meta = tk.train.export_meta_graph(export_scope="outer")
    got = [(n.name, n.device, list(n.attr["_class"].list.s)) for n in meta.graph_def.node]
    assert got == [("c/initial_value", "/job:w", []), ("c", "/job:w", []),
                   ("c/Assign", "/job:w", [b"loc:@c"]), ("c/read", "/job:w", [b"loc:@c"]),
                   ("d", "", [])]


def test_clip_by_global_norm_scales_beside_each_tensor():
    with tk.device("/job:a"):
        a = tk.constant([3.0, 4.0], name="a")
    b = tk.constant([1.0], name="b")
    (ca, cb), _ = tk.clip_by_global_norm([a, b], 1.0)
    assert [(t.device, t.op.get_attr("_class")) for t in (ca, cb)] == [
        ("/job:a", [b"loc:@a"]), ("", [b"loc:@b"])]
