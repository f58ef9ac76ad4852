"""The public graph walks: prune, topological order, ops between tensors."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit.framework import topo


def _names(ops):
    return [op.name for op in ops]


def test_prune_follows_inputs_and_control_inputs_and_stops_at_feeds():
    x = tk.placeholder(tk.float32, [], name="x")
    a = tk.add(x, 1.0, name="a")
    side = tk.no_op(name="side")
    with tk.control_dependencies([side]):
        b = tk.multiply(a, 2.0, name="b")
    tk.multiply(a, 3.0, name="unused")
    needed = _names(topo.prune([b]))
    assert {"x", "a", "side", "b"} <= set(needed) and "unused" not in needed
    assert needed.index("x") < needed.index("a") < needed.index("b")
    fed = _names(topo.prune([b], fed=[a]))
    assert "a" not in fed and "x" not in fed and "b" in fed


def test_a_feed_satisfies_control_dependencies_on_its_placeholder_only():
    # TF 2.21: running c fed x returns 3.0; unfed it is "You must feed a value"; a
    # control dependency on another fed op (a) still runs that op
    x = tk.placeholder(tk.float32, [2], name="x")
    a = tk.identity(x, name="a")
    with tk.control_dependencies([x]):
        c = tk.constant(3.0, name="c")
    with tk.control_dependencies([a.op]):
        d = tk.constant(4.0, name="d")
    assert "x" not in _names(topo.prune([c], fed=[x]))
    assert "x" in _names(topo.prune([c]))
    assert "a" in _names(topo.prune([d], fed=[a]))
    with tk.Session() as sess:
        assert sess.run(c, {x: [1.0, 2.0]}) == 3.0
        with pytest.raises(tk.errors.InvalidArgumentError, match="must feed a value"):
            sess.run(c)


def test_prune_needs_the_predicate_of_a_cond_branch():
    p = tk.placeholder(tk.bool, [], name="p")
    out = tk.cond(p, lambda: tk.constant(1.0, name="one"), lambda: tk.constant(2.0))
    one = tk.get_default_graph().get_operation_by_name("cond/true/one")
    assert one.cond_gates and one.cond_gates[0][0] is p
    assert "p" in _names(topo.prune([one.outputs[0]]))
    assert "p" in _names(topo.prune([out]))


def test_target_ops_and_order():
    v = tk.Variable(1.0, name="v")
    inc = tk.assign_add(v, 1.0, name="inc").op
    ops = topo.prune([], [inc])
    assert ops[-1] is inc
    assert topo.topological_order(ops, reverse=True)[0] is inc
    assert [o.creation_index for o in ops] == sorted(o.creation_index for o in ops)


def test_ops_between_sources_and_sinks_respects_the_cut():
    x = tk.placeholder(tk.float32, [], name="x")
    y = tk.placeholder(tk.float32, [], name="y")
    a = tk.add(x, y, name="a")
    b = tk.multiply(a, 2.0, name="b")
    c = tk.square(y, name="c")
    out = tk.add(b, c, name="out")
    assert set(_names(topo.ops_between([x], [out]))) == {"a", "b", "out"}
    assert set(_names(topo.ops_between([y], [out]))) == {"a", "b", "c", "out"}
    assert set(_names(topo.ops_between([y], [out], cut=[b]))) == {"c", "out"}
    assert set(_names(topo.consumers_closure([x]))) == {"a", "b", "out"}
