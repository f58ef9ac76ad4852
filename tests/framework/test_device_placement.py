"""``tk.device`` scopes, device functions, ``DeviceSpec`` arguments and ``colocate_with``
record the device strings and ``_class`` attributes TF 2.21's ``tf.compat.v1`` graph mode
records (every expected value below was printed by TF 2.21 with
``disable_v2_behavior()`` running the same code), while results stay unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _const(name):
    return tk.constant(1.0, name=name)


def test_nested_scopes_merge_inner_parts_first():
    with tk.device("/job:ps"):
        with tk.device("/device:GPU:0"):
            a = _const("a")
        with tk.device("/cpu:0"):
            b = _const("b")
        with tk.device("/job:worker/task:3"):
            d = _const("d")
        with tk.device(""):  # an empty name changes nothing
            e = _const("e")
        with tk.device(None):  # None hides every outer scope
            c = _const("c")
    assert [t.device for t in (a, b, c, d, e)] == [
        "/job:ps/device:GPU:0", "/job:ps/device:CPU:0", "", "/job:worker/task:3", "/job:ps"]
    assert a.op.device == a.device == "/job:ps/device:GPU:0"


@pytest.mark.parametrize("spec, stored", [
    ("gpu:*", "/device:GPU:*"), ("/GPU:2", "/device:GPU:2"), ("/device:gpu:2", "/device:GPU:2"),
    ("/device:XLA_CPU:0", "/device:XLA_CPU:0"),
    ("/job:w/replica:2/task:1/cpu:0", "/job:w/replica:2/task:1/device:CPU:0"),
    ("//job:w//", "/job:w"), ("/:1/job:x", "/job:x")])
def test_names_are_stored_in_tf_canonical_form(spec, stored):
    with tk.device(spec):
        assert _const("c").device == stored


def test_device_functions_get_each_op_once_and_win_over_inner_scopes():
    calls = []

    def fn(op):
        calls.append((op.name, op.type, op.device))
        return "/job:z"

    a, b = _const("a"), _const("b")
    with tk.device("/task:1"), tk.device(fn), tk.device("/cpu:0"):
        s = tk.add(a, b, name="s")
    assert calls == [("s", "AddV2", "/device:CPU:0")]
    assert s.device == "/job:z/task:1"  # the function replaced the inner device
    with tk.device(lambda op: "/cpu:0"):  # a function's string is stored as given ...
        g1 = _const("g1")
        with tk.device("/gpu:1"):
            g2 = _const("g2")
    with tk.device("/job:ps"), tk.device(lambda op: "/cpu:0"):  # ... until merged
        f = _const("f")
    with tk.device("/job:ps"), tk.device(lambda op: ""):
        f3 = _const("f3")
    with tk.device("/job:ps"), tk.device(lambda op: tk.DeviceSpec(device_type="GPU")):
        f4 = _const("f4")
    with tk.device(lambda op: "/foo:1"):  # nothing parses it: kept as is
        h = _const("h")
    assert [t.device for t in (g1, g2, f, f3, f4, h)] == [
        "/cpu:0", "/cpu:0", "/job:ps/device:CPU:0", "/job:ps", "/job:ps/device:GPU:*",
        "/foo:1"]


def test_device_spec_arguments_are_read_when_each_op_is_made():
    with tk.device(tk.DeviceSpec(job="ps", device_type="cpu")):
        j = _const("j")
    spec = tk.DeviceSpec(job="ps", task=1)
    with tk.device(spec):
        spec.task = 2  # TF1's mutable DeviceSpec: later ops see the change
        k = _const("k")
    with tk.device(tk.DeviceSpec(job="ps")), \
            tk.device(tk.DeviceSpec(job="w", device_type="CPU")):
        k2 = _const("k2")
    assert (j.device, k.device, k2.device) == (
        "/job:ps/device:CPU:*", "/job:ps/task:2", "/job:w/device:CPU:*")


@pytest.mark.parametrize("bad, error, text", [
    ("/foo:1", ValueError, "Unknown attribute 'foo'"),
    ("/job:a:b", ValueError, "Unknown attribute 'job'"),
    ("/cpu:0/gpu:0", ValueError, "Multiple device types"),
    ("/task:x", ValueError, "invalid literal"),
    ("/cpu:x", ValueError, "invalid literal"),
    (5, AttributeError, "split")])
def test_bad_device_names_raise_tf_errors_on_entering(bad, error, text):
    scope = tk.device(bad)  # as TF: creating the scope does not check the name
    with pytest.raises(error, match=text):
        with scope:
            pass
    assert _const("after").device == ""  # the failed scope left nothing behind


@pytest.mark.parametrize("result", [None, 3])
def test_device_function_returning_a_non_string_is_a_type_error(result):
    with tk.device(lambda op: result):
        with pytest.raises(TypeError, match="Expected binary or unicode string"):
            _const("c")


def test_outer_scope_cannot_parse_a_bad_function_result():
    with tk.device("/job:a"), tk.device(lambda op: "/foo:1"):
        with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
            _const("c")


def test_variables_tensors_and_their_initializers_carry_devices():
    with tk.device("/job:ps/task:1"):
        v = tk.Variable(tk.zeros([2]), name="v")
        w = tk.get_variable("w", [2], initializer=tk.zeros_initializer())
    with tk.device("/cpu:0"):
        r = tk.identity(v, name="r")
    g = tk.get_default_graph()
    devices = {op.name: op.device for op in g.get_operations()}
    assert devices == {
        "zeros": "/job:ps/task:1", "v": "/job:ps/task:1", "v/Assign": "/job:ps/task:1",
        "v/read": "/job:ps/task:1", "w/Initializer/zeros": "", "w": "/job:ps/task:1",
        "w/Assign": "/job:ps/task:1", "w/read": "/job:ps/task:1", "r": "/device:CPU:0"}
    assert (v.device, w.device, v.initializer.device, v.value().device, r.device) == (
        "/job:ps/task:1", "/job:ps/task:1", "/job:ps/task:1", "/job:ps/task:1",
        "/device:CPU:0")
    classes = {op.name: op.get_attr("_class") for op in g.get_operations()
               if "_class" in op.node_def.attr}
    assert classes == {"v/Assign": [b"loc:@v"], "v/read": [b"loc:@v"],
                       "w/Initializer/zeros": [b"loc:@w"], "w": [b"loc:@w"],
                       "w/Assign": [b"loc:@w"], "w/read": [b"loc:@w"]}
    with pytest.raises(ValueError):
        r.op.get_attr("_class")
    assert r.op.colocation_groups() == [b"loc:@r"]


def test_ops_with_variable_inputs_are_colocated_with_the_variable():
    with tk.device("/job:ps"):
        v = tk.Variable(1.0, name="v")
    with tk.device("/job:worker"):
        a = v.assign(2.0, name="a")
        b = tk.assign_add(v, 1.0, name="b")
        i = tk.is_variable_initialized(v)
        r = v.read_value()  # reads are not (TF: a plain Identity)
    assert [(t.device, t.op.get_attr("_class")) for t in (a, b, i)] == [
        ("/job:ps", [b"loc:@v"])] * 3
    assert r.device == "/job:worker"


def test_colocate_with_takes_groups_and_device_over_device_scopes():
    with tk.device("/job:ps/task:0"):
        w = tk.get_variable("w", [2], initializer=tk.zeros_initializer())
    x = tk.placeholder(tk.float32, [2], name="x")
    with tk.device("/job:worker"):
        xw = tk.identity(x, name="xw")
    with tk.colocate_with(w):
        c = tk.identity(w, name="c")
        with tk.device("/cpu:0"):  # the colocated op's device wins
            c2 = tk.identity(w, name="c2")
    with tk.device("/job:q"), tk.colocate_with(x.op):
        c3 = tk.identity(x, name="c3")  # x has no device, outer scopes are ignored
        with tk.device("/cpu:0"):
            c3b = tk.identity(x, name="c3b")  # and inner scopes apply
        with tk.colocate_with(xw, ignore_existing=True):
            c4 = tk.identity(x, name="c4")
        with tk.colocate_with(w):
            c6 = tk.identity(x, name="c6")
        with tk.colocate_with(None, ignore_existing=True):
            c5 = tk.identity(x, name="c5")
    got = [(t.device, t.op.node_def.attr["_class"].list.s[:]) for t in
           (c, c2, c3, c3b, c4, c5, c6)]
    assert got == [("/job:ps/task:0", [b"loc:@w"]), ("/job:ps/task:0", [b"loc:@w"]),
                   ("", [b"loc:@x"]), ("/device:CPU:0", [b"loc:@x"]),
                   ("/job:worker", [b"loc:@xw"]), ("", []),
                   ("/job:ps/task:0", [b"loc:@w", b"loc:@x"])]
    with pytest.raises(ValueError, match="ignore_existing is not True"):
        with tk.colocate_with(None):
            pass


def test_layers_batch_norm_updates_sit_beside_the_moving_averages():
    x = tk.placeholder(tk.float32, [None, 3], name="x")
    with tk.device("/job:w"):
        tk.layers.batch_normalization(x, training=True)
    g = tk.get_default_graph()
    for name, var in (("AssignMovingAvg/sub", "moving_mean"),
                      ("AssignMovingAvg_1/mul", "moving_variance")):
        op = g.get_operation_by_name(f"batch_normalization/{name}")
        assert (op.device, op.get_attr("_class")) == (
            "/job:w", [f"loc:@batch_normalization/{var}".encode()])


def test_group_makes_one_no_op_per_device():
    with tk.device("/gpu:0"):
        x = _const("x")
    with tk.device("/gpu:1"):
        y = _const("y")
    z = tk.add(x, y, name="z")
    grp = tk.group(x, y, z, name="grp")
    with tk.device("/job:a"):
        one = tk.group(x, name="one")
    assert one.device == "/job:a/device:GPU:0"
    names = {op.name: (op.device, sorted(c.name for c in op.control_inputs))
             for op in tk.get_default_graph().get_operations() if op.type == "NoOp"}
    assert names == {"grp/NoOp": ("", ["z"]), "grp/NoOp_1": ("/device:GPU:0", ["x"]),
                     "grp/NoOp_2": ("/device:GPU:1", ["y"]),
                     "grp": ("", ["grp/NoOp", "grp/NoOp_1", "grp/NoOp_2"]),
                     "one": ("/job:a/device:GPU:0", ["x"])}
    assert grp.name == "grp"


def test_gpu_devices_run_on_the_cpu():
    """Differs from TF: TF 2.21 without a GPU fails to place these ops
    (InvalidArgumentError); trainkit records the devices and runs everything on the CPU."""
    with tk.device("/gpu:0"):
        x = _const("x")
    with tk.device("/job:ps/task:7/gpu:1"):
        y = x + 1.0
    grp = tk.group(x, y)
    with tk.Session() as sess:
        assert sess.run([grp, y]) == [None, 2.0]


def test_tuple_identities_are_colocated_with_their_tensors():
    with tk.device("/job:w"):
        a = _const("a")
    b = _const("b")
    ta, tb = tk.tuple([a, b], name="tup")
    assert (ta.device, ta.op.get_attr("_class"), tb.device, tb.op.get_attr("_class")) == (
        "/job:w", [b"loc:@a"], "", [b"loc:@b"])


def test_devices_are_recorded_only_results_unchanged():
    """Differs from TF (which would need a GPU and a cluster): placement changes no
    number in trainkit."""

    def run(with_devices):
        tk.reset_default_graph()
        tk.set_random_seed(3)
        setter = tk.train.replica_device_setter(ps_tasks=2)
        with tk.device(setter if with_devices else None):
            x = tk.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
            w = tk.get_variable("w", [2, 1])
            with tk.device("/gpu:3"):
                loss = tk.reduce_sum(tk.square(tk.matmul(x, w)))
            train = tk.train.AdamOptimizer(0.1).minimize(loss)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            return sess.run([loss, w]), w.device

    (plain, dev0), (placed, dev1) = run(False), run(True)
    assert (dev0, dev1) == ("", "/job:ps/task:0")
    np.testing.assert_array_equal(plain[1], placed[1])
    assert plain[0] == placed[0]


def test_colocate_gradients_with_ops():
    x = tk.placeholder(tk.float32, [2, 2], name="x")
    with tk.device("/gpu:0"):
        w = tk.constant(np.ones((2, 2), np.float32), name="w")
        y = tk.matmul(x, w, name="mm")
    loss = tk.reduce_sum(y, name="loss")
    with tk.device("/cpu:0"):
        (gw,) = tk.gradients(loss, [w], colocate_gradients_with_ops=True)
        (gw2,) = tk.gradients(loss, [w], name="plain")
    assert (gw.device, gw.op.get_attr("_class")) == ("/device:GPU:0", [b"loc:@mm"])
    assert gw2.device == "/device:CPU:0"
    with pytest.raises(ValueError):
        gw2.op.get_attr("_class")


def test_caching_device_places_the_read():
    with tk.device("/job:ps"):
        with tk.variable_scope("s", caching_device="/job:worker/cpu:0"):
            a = tk.get_variable("a", [2])
        b = tk.Variable(1.0, caching_device=lambda op: "/gpu:3", name="b")
    assert (a.device, a.value().device, b.device, b.value().device) == (
        "/job:ps", "/job:worker/device:CPU:0", "/job:ps", "/job:ps/device:GPU:3")


def test_indexed_slices_gradient_reports_its_values_device():
    params = tk.Variable(np.ones((4, 2), np.float32), name="params")
    with tk.device("/job:w"):
        rows = tk.gather(params, [0, 2], name="rows")
        (g,) = tk.gradients(tk.reduce_sum(rows), [params])
    assert (type(g).__name__, g.device, rows.device) == ("IndexedSlices", "/job:w", "/job:w")
