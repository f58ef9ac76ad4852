"""``tf.contrib.framework.nest``: TF1's nested-structure module under its contrib name,
``is_sequence`` included (TF2 calls it ``is_nested``). Re-exports ``trainkit.nest``.

Example:
    >>> nest.is_sequence((1, [2]))
    True
    >>> nest.map_structure(lambda x: x * 2, {"a": 1, "b": (2, 3)})
    {'a': 2, 'b': (4, 6)}
"""

from __future__ import annotations

from trainkit.nest import (
    assert_same_structure,
    flatten,
    is_nested,
    map_structure,
    pack_sequence_as,
)

#: TF1's name of :func:`is_nested`: whether a value is a list, tuple, dict or namedtuple
#: (strings and arrays are leaves).
is_sequence = is_nested

__all__ = ["is_sequence", "is_nested", "flatten", "pack_sequence_as", "map_structure",
           "assert_same_structure"]
