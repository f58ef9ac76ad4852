"""Graph model: names and scopes, lookup, collections, control deps, finalize, feeding."""

from __future__ import annotations

import threading

import pytest

import trainkit as tk


def test_unique_names_and_scopes():
    g = tk.get_default_graph()
    a = tk.constant(1.0, name="c")
    b = tk.constant(2.0, name="c")
    with tk.name_scope("layer") as scope:
        assert scope == "layer/"
        c = tk.constant(3.0, name="w")
        with tk.name_scope("inner"):
            d = tk.constant(4.0)
    with tk.name_scope("layer"):
        e = tk.constant(5.0, name="w")
    with tk.name_scope("layer/"):
        f = tk.constant(6.0, name="x")
    assert [t.op.name for t in (a, b, c, d, e, f)] == [
        "c", "c_1", "layer/w", "layer/inner/Const", "layer_1/w", "layer/x"]
    assert g.get_name_scope() == ""
    # Uniquification ignores case, as in TF: an op 'Const' makes 'const' become 'const_1'.
    tk.constant(0.0)
    assert g.unique_name("const") == "const_1"


def test_name_scope_none_resets_to_root():
    with tk.name_scope("a"):
        with tk.name_scope(None):
            t = tk.constant(1.0, name="root")
    assert t.op.name == "root"


def test_lookup_by_name_and_errors():
    g = tk.get_default_graph()
    x = tk.placeholder(tk.float32, [2], name="x")
    assert g.get_tensor_by_name("x:0") is x
    assert g.get_operation_by_name("x") is x.op
    assert g.as_graph_element("x") is x.op and g.as_graph_element("x:0") is x
    with pytest.raises(KeyError, match="does not exist"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("x:3")
    with pytest.raises(ValueError, match="refers to an Operation"):
        g.get_tensor_by_name("x")
    with pytest.raises(ValueError, match="Tensor"):
        g.get_operation_by_name("x:0")
    with pytest.raises(TypeError):
        g.get_tensor_by_name(3)
    other = tk.Graph()
    with other.as_default():
        y = tk.constant(1.0)
    with pytest.raises(ValueError, match="not an element of this graph"):
        g.as_graph_element(y)
    with pytest.raises(TypeError, match="Can not convert a int"):
        g.as_graph_element(3)


def test_tensor_and_operation_properties():
    x = tk.placeholder(tk.float32, [None, 3], name="x")
    y = tk.add(x, 1.0, name="y")
    assert y.name == "y:0" and y.dtype is tk.float32 and y.shape.as_list() == [None, 3]
    assert y.get_shape() == y.shape and y.graph is tk.get_default_graph()
    assert y.op.type == "AddV2" and y.op.inputs[0] is x and y.op.outputs == (y,)
    assert x.consumers() == [y.op]
    y.set_shape([4, 3])
    assert y.shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        y.set_shape([4, 5])
    with pytest.raises(TypeError, match="bool"):
        bool(y)
    with pytest.raises(ValueError, match="no attr"):
        y.op.get_attr("nope")
    assert "y:0" in repr(y)


def test_collections_and_keys():
    g = tk.get_default_graph()
    a = tk.constant(1.0, name="scope_a/v")
    b = tk.constant(2.0, name="scope_b/v")
    tk.add_to_collection("mine", a)
    tk.add_to_collections(["mine", "other"], b)
    assert tk.get_collection("mine") == [a, b]
    assert tk.get_collection("mine", scope="scope_b") == [b]
    ref = tk.get_collection_ref("mine")
    ref.append(3)
    assert tk.get_collection("mine")[-1] == 3
    assert set(g.get_all_collection_keys()) == {"mine", "other"}
    assert tk.GraphKeys.GLOBAL_VARIABLES == "variables"
    for key in ("LOCAL_VARIABLES", "TRAINABLE_VARIABLES", "GLOBAL_STEP", "SAVERS", "INIT_OP",
                "READY_OP", "LOCAL_INIT_OP", "SUMMARIES", "UPDATE_OPS", "REGULARIZATION_LOSSES"):
        assert isinstance(getattr(tk.GraphKeys, key), str)


def test_control_dependencies_nest_and_clear():
    a = tk.constant(1.0, name="a")
    b = tk.constant(2.0, name="b")
    with tk.control_dependencies([a]):
        with tk.control_dependencies([b.op]):
            c = tk.identity(a)
        with tk.control_dependencies(None):
            d = tk.identity(a)
    assert c.op.control_inputs == [a.op, b.op]
    assert d.op.control_inputs == []
    with pytest.raises(TypeError):
        with tk.control_dependencies([3]):
            pass


def test_finalize_and_version():
    g = tk.Graph()
    assert g.version == 0
    with g.as_default():
        tk.constant(1.0)
        assert g.version == 1
        g.finalize()
        assert g.finalized
        with pytest.raises(RuntimeError, match="finalized"):
            tk.constant(2.0)
        g._unsafe_unfinalize()
        tk.constant(2.0)
    assert g.version == 2 and len(g.get_operations()) == 2


def test_prevent_feeding_and_fetching():
    g = tk.get_default_graph()
    x = tk.placeholder(tk.float32, [], name="x")
    assert g.is_feedable(x)
    g.prevent_feeding(x)
    assert not g.is_feedable(x)
    g.prevent_fetching(x.op)
    assert not g.is_fetchable(x)


def test_default_graph_stack_is_thread_local():
    g = tk.Graph()
    seen = {}

    def worker():
        seen["thread"] = tk.get_default_graph()

    with g.as_default():
        assert tk.get_default_graph() is g
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["thread"] is not g
    assert seen["thread"] is tk.get_default_graph()


def test_reset_default_graph_inside_nesting_raises():
    with tk.Graph().as_default():
        with pytest.raises(AssertionError, match="nested"):
            tk.reset_default_graph()


def test_cross_graph_input_rejected():
    with tk.Graph().as_default():
        a = tk.constant(1.0)
    with pytest.raises(ValueError, match="same graph"):
        tk.add(a, tk.constant(1.0))


def test_side_table_is_per_graph_and_dies_with_it():
    import gc
    import weakref

    g1, g2 = tk.Graph(), tk.Graph()
    g1.side_table("lib")["k"] = 1
    assert g1.side_table("lib") == {"k": 1}
    assert g1.side_table("lib") is g1.side_table("lib")
    assert g2.side_table("lib") == {} and g1.side_table("other") == {}
    with g1.as_default():
        c = tk.constant(1.0)
    g1.side_table("lib")["tensor"] = c   # a value that refers back to the graph
    ref = weakref.ref(g1)
    del g1, c
    gc.collect()
    assert ref() is None
