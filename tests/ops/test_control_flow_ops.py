"""no_op, group, tuple, cond, case, Assert and the assert_* family, check_numerics,
print and Print."""

from __future__ import annotations

import collections
import sys

import numpy as np
import pytest

import trainkit as tk


def test_no_op_and_group_run_their_dependencies():
    v = tk.Variable(0, name="v")
    a, b = v.assign_add(1), v.assign_add(10)
    g = tk.group(a, [b.op], None, name="both")
    assert g.type == "NoOp" and g.name == "both"
    assert set(g.control_inputs) == {a.op, b.op}
    assert tk.group().name == "group_deps" and tk.no_op().name == "NoOp"
    with tk.Session() as s:
        s.run(v.initializer)
        assert s.run(g) is None
        assert s.run(v) == 11
    with pytest.raises(TypeError, match="Unknown keyword arguments"):
        tk.group(a, nmae="x")
    with pytest.raises(TypeError, match="group"):
        tk.group(3)


def test_tuple_gates_every_output_on_all_inputs():
    v = tk.Variable(1.0, name="v")
    upd = v.assign(5.0)
    x = tk.constant(2.0)
    out = tk.tuple([x, v.value()], control_inputs=[upd])
    assert [t.op.type for t in out] == ["Identity", "Identity"]
    with tk.Session() as s:
        s.run(v.initializer)
        assert s.run(out) == [2.0, 5.0]  # the gate ran the assign first
    with pytest.raises(TypeError, match="must be a list"):
        tk.tuple(x)


def test_cond_selects_branch_by_predicate():
    x = tk.placeholder(tk.float32, [])
    y = tk.cond(x > 0.0, lambda: x * 2.0, lambda: -x, name="pick")
    assert y.op.name == "pick/Merge"
    with tk.Session() as s:
        assert s.run(y, {x: 3.0}) == 6.0
        assert s.run(y, {x: -4.0}) == 4.0


def test_cond_nested_structures_and_strict():
    P = collections.namedtuple("P", "a b")
    p = tk.placeholder(tk.bool, [])
    out = tk.cond(p, lambda: {"k": P(tk.constant(1), tk.constant([1.0]))},
                  lambda: {"k": P(tk.constant(2), tk.constant([2.0]))})
    single = tk.cond(p, lambda: [tk.constant(1)], lambda: [tk.constant(2)])
    strict = tk.cond(p, lambda: [tk.constant(1)], lambda: [tk.constant(2)], strict=True)
    assert isinstance(single, tk.Tensor) and isinstance(strict, list)
    with tk.Session() as s:
        got = s.run(out, {p: False})
        assert isinstance(got["k"], P) and got["k"].a == 2 and got["k"].b.tolist() == [2.0]
        assert s.run(single, {p: True}) == 1


def test_cond_branch_not_taken_may_read_uninitialized_variable():
    v = tk.Variable(7, name="v")
    y = tk.cond(tk.is_variable_initialized(v), v.read_value, lambda: tk.constant(-1))
    with tk.Session() as s:
        assert s.run(y) == -1
        s.run(v.initializer)
        assert s.run(y) == 7


def test_cond_fetch_of_aliased_branch_is_a_copy():
    v = tk.Variable([1.0], name="v")
    y = tk.cond(tk.constant(False), lambda: tk.constant([0.0]) * 1.0, v.read_value)
    with tk.Session() as s:
        s.run(v.initializer)
        got = s.run(y)
        s.run(v.assign([9.0]))
        assert got.tolist() == [1.0]


def test_cond_runs_only_the_taken_branch():
    # TF1 semantics: a branch's side effects and errors happen only when it is taken.
    counter = tk.Variable(0, name="counter")
    x = tk.placeholder(tk.int32, [])
    r = tk.cond(x > 0, lambda: tk.assign_add(counter, 1), lambda: tk.identity(counter) - 100)
    data = tk.constant([1.0, 2.0, 3.0])
    safe = tk.cond(x < 3, lambda: tk.gather(data, x), lambda: tk.constant(-1.0))
    with tk.Session() as s:
        s.run(counter.initializer)
        assert [s.run(r, {x: v}) for v in (3, 3, -3, -3)] == [1, 2, -98, -98]
        assert s.run(counter) == 2
        assert s.run(safe, {x: 1}) == 2.0
        assert s.run(safe, {x: 5}) == -1.0  # the gather with index 5 never runs


def test_cond_nested_and_case_gate_every_level(capsys):
    v = tk.Variable(0, name="v")
    p, q = tk.placeholder(tk.bool, []), tk.placeholder(tk.bool, [])
    out = tk.cond(p, lambda: tk.cond(q, lambda: tk.assign_add(v, 1),
                                     lambda: tk.assign_add(v, 10)),
                  lambda: tk.assign_add(v, 100))
    x = tk.placeholder(tk.int32, [])
    picked = tk.case([(x < 0, lambda: tk.Print(x, [x], "neg")),
                      (x > 9, lambda: tk.Print(x, [x], "big"))],
                     default=lambda: tk.Print(x, [x], "mid"))
    with tk.Session() as s:
        s.run(v.initializer)
        got = [int(s.run(out, {p: a, q: b}))
               for a, b in ((True, True), (True, False), (False, True), (False, False))]
        assert got == [1, 11, 111, 211]
        assert s.run(picked, {x: 20}) == 20
    printed = capsys.readouterr().err
    assert "big" in printed and "neg" not in printed and "mid" not in printed


def test_cond_fetch_from_branch_not_taken_raises():
    p = tk.placeholder(tk.bool, [])
    inside = []
    y = tk.cond(p, lambda: inside.append(tk.constant(1.0) * 2.0) or inside[0],
                lambda: tk.constant(0.0))
    after = inside[0] + 1.0  # an op outside the cond consuming a branch tensor
    with tk.Session() as s:
        assert s.run([y, after], {p: True}) == [2.0, 3.0]
        assert s.run(y, {p: False}) == 0.0
        for fetch in (inside[0], after):
            with pytest.raises(tk.errors.InvalidArgumentError, match="not taken"):
                s.run(fetch, {p: False})


def test_variables_created_in_a_branch_are_not_gated():
    p = tk.placeholder(tk.bool, [])

    def true_fn():
        w = tk.get_variable("w", [], initializer=tk.constant_initializer(5.0))
        return w * 2.0

    y = tk.cond(p, true_fn, lambda: tk.constant(0.0))
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())  # needs no feed for p
        assert s.run(y, {p: True}) == 10.0 and s.run(y, {p: False}) == 0.0


def test_cond_errors():
    t = tk.constant(True)
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tk.cond(t, 1, lambda: 1)
    with pytest.raises(TypeError, match="Python bool"):
        tk.cond(True, lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="bool tensor"):
        tk.cond(tk.constant(1), lambda: 1, lambda: 2)
    with pytest.raises(ValueError, match="scalar"):
        tk.cond(tk.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="different dtypes"):
        tk.cond(t, lambda: tk.constant(1), lambda: tk.constant(1.0))
    with pytest.raises(TypeError, match="different structures"):
        tk.cond(t, lambda: [tk.constant(1)] * 2, lambda: [tk.constant(1)])


def test_case_picks_first_true_then_default():
    x = tk.placeholder(tk.int32, [])
    r = tk.case([(tk.less(x, 0), lambda: tk.constant(-1)),
                 (tk.equal(x, 0), lambda: tk.constant(0))],
                default=lambda: tk.constant(1))
    with tk.Session() as s:
        assert [s.run(r, {x: v}) for v in (-5, 0, 5)] == [-1, 0, 1]
    with pytest.raises(TypeError, match="pair"):
        tk.case([(tk.constant(True), 3)])


def test_assert_ops_raise_invalid_argument_with_message_and_data():
    x = tk.placeholder(tk.float32, [None])
    checks = {
        "assert_positive": (tk.assert_positive(x, message="pos"), [1.0, 2.0], [1.0, 0.0]),
        "assert_non_negative": (tk.assert_non_negative(x), [0.0, 1.0], [-1.0]),
        "assert_negative": (tk.assert_negative(x), [-1.0], [0.0]),
        "assert_less": (tk.assert_less(x, 3.0), [2.0], [3.0]),
        "assert_greater": (tk.assert_greater(x, 3.0), [4.0], [3.0]),
        "assert_equal": (tk.assert_equal(x, 1.0), [1.0, 1.0], [1.0, 2.0]),
    }
    with tk.Session() as s:
        for name, (op, good, bad) in checks.items():
            assert isinstance(op, tk.Operation)
            s.run(op, {x: good})
            with pytest.raises(tk.errors.InvalidArgumentError,
                               match="did not hold element-wise") as ei:
                s.run(op, {x: bad})
            assert ei.value.op is op and name in op.name
            assert str(np.array(bad, np.float32)).split()[0] in ei.value.message
        with pytest.raises(tk.errors.InvalidArgumentError, match="pos  Condition x > 0"):
            s.run(checks["assert_positive"][0], {x: [-3.0]})


def test_assert_positive_guards_a_computation():
    x = tk.placeholder(tk.float32, [2])
    with tk.control_dependencies([tk.debugging.assert_positive(x)]):
        y = tk.identity(x)
    with tk.Session() as s:
        assert s.run(y, {x: [1.0, 2.0]}).tolist() == [1.0, 2.0]
        with pytest.raises(tk.errors.InvalidArgumentError):
            s.run(y, {x: [1.0, -2.0]})


def test_generic_assert_and_static_asserts():
    p = tk.placeholder(tk.int32, [])
    a = tk.Assert(p > 0, ["p must be positive, got", p], name="chk")
    with tk.Session() as s:
        s.run(a, {p: 1})
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match=r"assertion failed: \[p must be positive, got\] \[-2\]"):
            s.run(a, {p: -2})
    with pytest.raises(TypeError, match="bool"):
        tk.Assert(tk.constant(1), [])
    with pytest.raises(ValueError, match="must have rank 2"):
        tk.assert_rank(tk.constant([1, 2]), 2)
    assert tk.assert_rank(tk.constant([1, 2]), 1).type == "NoOp"
    u = tk.placeholder(tk.float32, None)
    r = tk.assert_rank(u, 1)
    with tk.Session() as s:
        s.run(r, {u: [1.0]})
        with pytest.raises(tk.errors.InvalidArgumentError, match="must have rank 1"):
            s.run(r, {u: [[1.0]]})
    with pytest.raises(TypeError, match="must be of type int32"):
        tk.assert_type(tk.constant(1.0), tk.int32)
    with pytest.raises(ValueError, match="scalar"):
        tk.assert_scalar(tk.constant([1.0]))


def test_check_numerics_names_op_and_kind():
    x = tk.placeholder(tk.float32, [None])
    y = tk.debugging.check_numerics(x, "loss check", name="chk")
    assert y.op.name == "chk" and y.op.type == "CheckNumerics"
    with tk.Session() as s:
        assert s.run(y, {x: [1.0]}).tolist() == [1.0]
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match=r"CheckNumerics op 'chk': loss check : Tensor had NaN values"):
            s.run(y, {x: [np.nan, 1.0]})
        with pytest.raises(tk.errors.InvalidArgumentError, match="Tensor had Inf values"):
            s.run(y, {x: [np.inf]})
        with pytest.raises(tk.errors.InvalidArgumentError, match="Inf and NaN values"):
            s.run(y, {x: [np.inf, np.nan]})
    with pytest.raises(TypeError, match="int32"):
        tk.check_numerics(tk.constant(1), "m")


def test_print_writes_formatted_values(capsys, tmp_path):
    x = tk.constant(np.arange(10))
    op = tk.print("x:", x, {"k": 1}, summarize=2)
    path = tmp_path / "out.txt"
    op_file = tk.print(tk.constant(1.5), output_stream=f"file://{path}")
    op_out = tk.print(tk.constant(b"hi"), output_stream=sys.stdout, sep="|", end="!\n")
    with tk.Session() as s:
        s.run([op, op_file, op_out])
        s.run(op_file)
    out, err = capsys.readouterr()
    assert err == "x: [0 1 ... 8 9] {'k': 1}\n"
    assert out == '"hi"!\n'   # TF 2.21 quotes a string tensor in tf.print
    assert path.read_text() == "1.5\n1.5\n"
    with pytest.raises(TypeError, match="unknown keyword"):
        tk.print(x, colour="red")
    with pytest.raises(ValueError, match="output_stream"):
        tk.print(x, output_stream="nowhere")


def test_tf1_print_is_identity_with_side_effect(capsys):
    x = tk.constant([1.0, 2.0])
    y = tk.Print(x, [x, tk.constant(3)], message="vals: ", first_n=2)
    assert y.dtype is tk.float32 and y.shape.as_list() == [2]
    with tk.Session() as s:
        for _ in range(3):
            assert s.run(y).tolist() == [1.0, 2.0]
    err = capsys.readouterr().err
    # TF 2.21's tf.Print text; only the first_n=2 runs print
    assert err == "vals: [1 2][3]\n" * 2
