"""The container and string assertions ``tf.test.TestCase`` inherits from absl's
``absltest.TestCase`` (``assertSameElements``, ``assertStartsWith``, ``assertEmpty``,
``assertLen`` ...), with absl's failure messages, for TF tests that call them (the
MobileNet v2 tests of tensorflow/models compare channel sets with
``assertSameElements``).

Example:
    >>> class T(AbslAssertions, unittest.TestCase):
    ...     def test_it(self):
    ...         self.assertSameElements([1, 2, 2], {2, 1})
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sized
from typing import Any


def _missing_and_extra(expected: list, actual: list) -> tuple[list, list]:
    """Elements of ``expected`` not in ``actual`` and the reverse, each once; sorted lists
    are compared when the elements are not hashable."""
    try:
        exp, act = set(expected), set(actual)
        missing, extra = list(exp - act), list(act - exp)
    except TypeError:
        exp_sorted, act_sorted = sorted(expected), sorted(actual)
        missing = [e for i, e in enumerate(exp_sorted)
                   if e not in act_sorted and e not in exp_sorted[:i]]
        extra = [a for i, a in enumerate(act_sorted)
                 if a not in exp_sorted and a not in act_sorted[:i]]
    for part in (missing, extra):
        try:
            part.sort()
        except TypeError:
            pass
    return missing, extra


class AbslAssertions:
    """absl's extra assertions, mixed into a ``unittest.TestCase``."""

    fail: Any
    _formatMessage: Any

    def assertSameElements(self, expected_seq: Iterable, actual_seq: Iterable,
                           msg: str | None = None) -> None:
        """Both hold the same elements, ignoring order and repeats.

        Raises:
            AssertionError: listing the missing and the unexpected elements, or for a
                ``str``/``bytes`` argument (usually meant for ``assertEqual``).
        """
        if isinstance(expected_seq, str | bytes) or isinstance(actual_seq, str | bytes):
            self.fail("Passing string/bytes to assertSameElements is usually a bug. Did you "
                      f"mean to use assertEqual?\nExpected: {expected_seq}\n"
                      f"Actual: {actual_seq}")
        missing, extra = _missing_and_extra(list(expected_seq), list(actual_seq))
        if not missing and not extra:
            return
        text = f"{msg}:\n" if msg else ""
        if missing:
            text += f"Expected, but missing:\n  {missing!r}\n"
        if extra:
            text += f"Unexpected, but present:\n  {extra!r}\n"
        self.fail(text)

    def assertContainsSubset(self, expected_subset: Iterable, actual_set: Container,
                             msg: str | None = None) -> None:
        """Every element of ``expected_subset`` is in ``actual_set``."""
        missing = set(expected_subset) - set(actual_set)  # type: ignore[arg-type]
        if missing:
            self.fail(self._formatMessage(msg, f"Missing elements {missing}\nExpected: "
                                               f"{expected_subset}\nActual: {actual_set}"))

    def assertNoCommonElements(self, expected_seq: Iterable, actual_seq: Iterable,
                               msg: str | None = None) -> None:
        """The two share no element."""
        common = set(expected_seq) & set(actual_seq)
        if common:
            self.fail(self._formatMessage(msg, f"Common elements {common}\nExpected: "
                                               f"{expected_seq}\nActual: {actual_seq}"))

    def assertStartsWith(self, actual: str, expected_start: str,
                         msg: str | None = None) -> None:
        """``actual`` starts with ``expected_start``."""
        if not actual.startswith(expected_start):
            self.fail(self._formatMessage(msg, f"{actual!r} does not start with "
                                               f"{expected_start!r}"))

    def assertEndsWith(self, actual: str, expected_end: str, msg: str | None = None) -> None:
        """``actual`` ends with ``expected_end``."""
        if not actual.endswith(expected_end):
            self.fail(self._formatMessage(msg, f"{actual!r} does not end with "
                                               f"{expected_end!r}"))

    def _sized(self, container: Any, msg: str | None) -> int:
        if not isinstance(container, Sized):
            self.fail(self._formatMessage(msg, "Expected a Sized object, got: "
                                               f"{type(container).__name__!r}"))
        return len(container)

    def assertEmpty(self, container: Any, msg: str | None = None) -> None:
        """``container`` is a sized object of length 0."""
        n = self._sized(container, msg)
        if n:
            self.fail(self._formatMessage(msg, f"{container!r} has length of {n}."))

    def assertNotEmpty(self, container: Any, msg: str | None = None) -> None:
        """``container`` is a sized object of length above 0."""
        if not self._sized(container, msg):
            self.fail(self._formatMessage(msg, f"{container!r} has length of 0."))

    def assertLen(self, container: Any, expected_len: int, msg: str | None = None) -> None:
        """``container`` has ``expected_len`` elements."""
        n = self._sized(container, msg)
        if n != expected_len:
            self.fail(self._formatMessage(msg, f"{container!r} has length of {n}, expected "
                                               f"{expected_len}."))


__all__ = ["AbslAssertions"]
