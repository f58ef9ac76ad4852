"""The fast fetch-structure key and rebuild equal nest's general ones."""

from __future__ import annotations

import collections

import pytest

import trainkit as tk
from trainkit import nest
from trainkit.client.fetch_structure import compile_packer, fetch_key

Point = collections.namedtuple("Point", "x y")


def _structures():
    a, b, c = tk.constant(1.0), tk.constant(2.0), tk.constant(3.0)
    return [
        [a, b],
        (a, b, c),
        {"z": a, "a": b},
        [a, {"y": b, "x": c}],
        [a, [b, (c,)], {"k": [a, b]}],
        Point(a, {"q": b, "p": c}),
        collections.OrderedDict([("b", a), ("a", b)]),
        {"only": [a]},
        [],
        [a, "name:0", {"s": "other:0"}],
    ]


@pytest.mark.parametrize("index", range(10))
def test_packer_and_key_equal_nest(index):
    structure = _structures()[index]
    flat = nest.flatten(structure)
    values = [f"v{i}" for i in range(len(flat))]
    want = nest.pack_sequence_as(structure, values)
    got = compile_packer(structure)(values)
    assert got == want
    assert type(got) is type(want)
    if isinstance(want, dict):
        assert list(got) == list(want)  # the mapping's own key order
    assert fetch_key(structure) == nest.structure_key(structure)


def test_keys_of_different_structures_differ():
    a, b = tk.constant(1.0), tk.constant(2.0)
    keys = {fetch_key(s) for s in ([a, b], (a, b), [b, a], {"a": a, "b": b},
                                    {"b": b, "a": a}, [[a], b], [a, [b]])}
    assert len(keys) == 7


def test_session_rebuilds_nested_fetches_the_same_every_call():
    a, b = tk.constant(1.0), tk.constant(2.0)
    with tk.Session() as sess:
        for _ in range(2):
            out = sess.run([a, {"y": b, "x": a}, Point(b, [a])])
            assert out == [1.0, {"y": 2.0, "x": 1.0}, Point(2.0, [1.0])]
            assert list(out[1]) == ["y", "x"]
