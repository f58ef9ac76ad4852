"""The one nested-structure utility: flatten order, packing, key paths."""

from __future__ import annotations

import collections

import pytest

from trainkit import nest

Point = collections.namedtuple("Point", ["x", "y"])


def test_flatten_sorts_dict_keys_and_recurses():
    s = {"b": [1, (2, 3)], "a": Point(4, {"z": 5, "y": 6})}
    assert nest.flatten(s) == [4, 6, 5, 1, 2, 3]


def test_pack_rebuilds_types_and_key_order():
    od = collections.OrderedDict([("z", 0), ("a", 0)])
    s = [od, Point(0, 0), (0,), {"k": []}]
    packed = nest.pack_sequence_as(s, [1, 2, 3, 4, 5])
    assert list(packed[0].items()) == [("z", 2), ("a", 1)]
    assert isinstance(packed[0], collections.OrderedDict)
    assert packed[1] == Point(3, 4) and isinstance(packed[1], Point)
    assert packed[2] == (5,)
    assert packed[3] == {"k": []}


def test_pack_wrong_count_raises():
    with pytest.raises(ValueError, match="more elements"):
        nest.pack_sequence_as([0, 0], [1, 2, 3])
    with pytest.raises(ValueError, match="more leaves"):
        nest.pack_sequence_as([0, 0], [1])


def test_paths_and_map_and_same_structure():
    s = {"a": [10, 20], "b": 30}
    assert nest.flatten_with_paths(s) == [(("a", 0), 10), (("a", 1), 20), (("b",), 30)]
    assert nest.path_to_str(("a", 1), "fetches") == "fetches['a'][1]"
    assert nest.map_structure(lambda u, v: u + v, s, s) == {"a": [20, 40], "b": 60}
    with pytest.raises(ValueError, match=r"\['a'\]"):
        nest.assert_same_structure(s, {"a": [1], "b": 2})
    with pytest.raises(TypeError):
        nest.assert_same_structure([1], (1,))


def test_unsortable_keys_keep_insertion_order():
    k1, k2 = object(), object()
    assert nest.flatten({k1: 1, k2: 2}) == [1, 2]
