"""String ops equal to TF 2.21 (tf.compat.v1, the same inputs; outputs recorded below)."""

from __future__ import annotations

import pytest

import trainkit as tk


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def _list(v):
    return v.tolist() if hasattr(v, "tolist") else v


CASES = {
    "as_str_i": (lambda: tk.as_string([3, -42, 0]), [b'3', b'-42', b'0']),
    "as_str_f": (lambda: tk.as_string([1.5, -0.25, 1e10, 3.0]),
                 [b'1.500000', b'-0.250000', b'10000000000.000000', b'3.000000']),
    "as_str_f_prec": (lambda: tk.as_string([1.5, -0.25, 3.14159], precision=2),
                      [b'1.50', b'-0.25', b'3.14']),
    "as_str_sci": (lambda: tk.as_string([1234.5], scientific=True), [b'1.234500e+03']),
    "as_str_w": (lambda: tk.as_string([7, 42], width=4, fill="0"), [b'0007', b'0042']),
    "as_str_b": (lambda: tk.as_string([True, False]), [b'true', b'false']),
    "join": (lambda: tk.string_join([["a", "b"], ["c", "d"]], separator="-"),
             [b'a-c', b'b-d']),
    "join_b": (lambda: tk.strings.join(["x", ["1", "2"]]), [b'x1', b'x2']),
    "len": (lambda: tk.strings.length(["abc", "", "caf\u00e9"]), [3, 0, 5]),
    "len_u": (lambda: tk.strings.length(["caf\u00e9"], unit="UTF8_CHAR"), [4]),
    "lower": (lambda: tk.strings.lower(["AbC"]), [b'abc']),
    "upper": (lambda: tk.strings.upper(["AbC"]), [b'ABC']),
    "strip": (lambda: tk.strings.strip(["  a b \n"]), [b'a b']),
    "string_strip": (lambda: tk.string_strip(["  a b \n"]), [b'a b']),
    "substr": (lambda: tk.substr(["hello", "world"], 1, 3), [b'ell', b'orl']),
    "substr_neg": (lambda: tk.strings.substr(["hello"], -3, 2), [b'll']),
    "num": (lambda: tk.string_to_number(["1.5", "-2", "3e2"]), [1.5, -2.0, 300.0]),
    "num_i": (lambda: tk.strings.to_number(["12", "-7"], out_type=tk.int32), [12, -7]),
    "rj": (lambda: tk.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=","),
           [b'a,b', b'c,d']),
    "rj_all": (lambda: tk.reduce_join([["a", "b"], ["c", "d"]]), b'abcd'),
    "rj0": (lambda: tk.strings.reduce_join([["a", "b"], ["c", "d"]], axis=0), [b'ac', b'bd']),
    "re": (lambda: tk.regex_replace(["aabb", "abab"], "a+", "X"), [b'Xbb', b'XbXb']),
    "re1": (lambda: tk.strings.regex_replace(["aabb", "abab"], "a", "X",
                                             replace_global=False), [b'Xabb', b'Xbab']),
    "rfm": (lambda: tk.strings.regex_full_match(["abc", "abcd"], "a.c"), [True, False]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_string_op_equals_tf(name):
    build, want = CASES[name]
    assert _list(_run(build())) == want


def test_string_split_equals_tf():
    sp = tk.string_split(["hello world", "a  b c", ""])
    idx, vals, shape = _run([sp.indices, sp.values, sp.dense_shape])
    assert idx.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]]
    assert vals.tolist() == [b'hello', b'world', b'a', b'b', b'c']
    assert shape.tolist() == [3, 3]
    assert _run(tk.string_split(["a,b,,c"], delimiter=",", skip_empty=False).values
                ).tolist() == [b'a', b'b', b'', b'c']
    assert _run(tk.string_split(["ab cd"], delimiter="").values).tolist() == [
        b'a', b'b', b' ', b'c', b'd']
    sp2 = tk.strings.split(["a<>b<>c", "d"], sep="<>")
    assert _run(sp2.values).tolist() == [b'a', b'b', b'c', b'd']
    assert _run(sp2.dense_shape).tolist() == [2, 3]


def test_string_op_errors():
    with pytest.raises(tk.errors.InvalidArgumentError, match="could not correctly convert"):
        _run(tk.string_to_number(["x1"]))
    with pytest.raises(tk.errors.InvalidArgumentError, match="out of range"):
        _run(tk.substr(["ab"], 5, 1))
    with pytest.raises(ValueError, match="scientific and shortest"):
        tk.as_string([1.0], scientific=True, shortest=True)
    with pytest.raises(TypeError, match="string tensor"):
        tk.strings.length([1, 2])
