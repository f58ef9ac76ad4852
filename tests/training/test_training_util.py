"""Global step creation/lookup and the defined value of the hooks' global-step read."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.training import training_util as tu


def test_create_and_get():
    assert tu.get_global_step() is None
    gs = tu.create_global_step()
    assert gs.op.name == "global_step"
    assert gs.dtype.base_dtype == tk.int64
    assert tu.get_global_step() is gs
    assert tu.get_or_create_global_step() is gs
    assert tk.get_collection(tk.GraphKeys.GLOBAL_STEP) == [gs]
    assert gs in tk.global_variables()
    assert gs not in tk.trainable_variables()
    with pytest.raises(ValueError, match='"global_step" already exists'):
        tu.create_global_step()


def test_created_at_root_scope_outside_control_dependencies():
    c = tk.constant(1.0)
    with tk.name_scope("outer"), tk.control_dependencies([c]):
        gs = tu.get_or_create_global_step()
    assert gs.op.name == "global_step"
    read = tu.global_step_read()
    assert read.op.control_inputs == []


def test_other_graph():
    g = tk.Graph()
    gs = tu.get_or_create_global_step(g)
    assert gs.graph is g
    assert tu.get_global_step() is None
    assert tu.get_global_step(g) is gs


def test_global_step_value():
    gs = tu.get_or_create_global_step()
    with tk.Session() as sess:
        sess.run(gs.initializer)
        v = tu.global_step(sess, gs)
    assert v == 0 and type(v) is int


def test_bad_collection_contents():
    tk.add_to_collection(tk.GraphKeys.GLOBAL_STEP, tk.constant(1.0))
    with pytest.raises(TypeError, match="integer"):
        tu.get_global_step()
    g = tk.Graph()
    with g.as_default():
        tk.add_to_collection(tk.GraphKeys.GLOBAL_STEP, tk.constant(1, tk.int64))
        tk.add_to_collection(tk.GraphKeys.GLOBAL_STEP, tk.constant(2, tk.int64))
        with pytest.raises(TypeError, match="Multiple"):
            tu.get_global_step()


def test_read_is_cached_and_none_without_step():
    assert tu.global_step_read() is None
    tu.get_or_create_global_step()
    r = tu.global_step_read()
    assert r.op.name == "global_step/hook_read"
    assert tu.global_step_read() is r


@pytest.mark.parametrize("read_first", [True, False])
def test_read_beside_increment_sees_post_increment_value(read_first):
    gs = tu.get_or_create_global_step()
    read = tu.global_step_read()
    before = gs + 0  # a computed value created before the update: the old value
    train = gs.assign_add(1)
    fetches = [read, train] if read_first else [train, read]
    with tk.Session() as sess:
        sess.run(gs.initializer)
        for step in range(1, 6):
            out = sess.run(fetches + [before])
            value = out[0] if read_first else out[1]
            assert value == step
            assert out[2] == step - 1
            assert isinstance(value, np.int64)
