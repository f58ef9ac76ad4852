"""The absl assertions of ``tk.test.TestCase``; every outcome and message below was
printed by absl-py's ``absltest.TestCase`` (the base of TF 2.21's ``tf.test.TestCase``)
for the same call."""

from __future__ import annotations

import pytest

import trainkit as tk


@pytest.fixture
def t():
    return tk.test.TestCase("__init__")


PASSING = {
    "same elements": lambda t: t.assertSameElements([1, 2, 2], {2, 1}),
    "same unhashable": lambda t: t.assertSameElements([[1], [2]], [[2], [1]]),
    "starts": lambda t: t.assertStartsWith("abc", "ab"),
    "ends": lambda t: t.assertEndsWith("abc", "bc"),
    "empty": lambda t: t.assertEmpty([]),
    "not empty": lambda t: t.assertNotEmpty([1]),
    "len": lambda t: t.assertLen([1, 2], 2),
    "subset": lambda t: t.assertContainsSubset([1], [1, 2]),
    "no common": lambda t: t.assertNoCommonElements([1], [2]),
}


@pytest.mark.parametrize("name", sorted(PASSING))
def test_assertions_that_pass_in_absl(t, name):
    PASSING[name](t)


FAILING = {
    "same elements": (lambda t: t.assertSameElements([1, 2], [2, 3]), AssertionError,
                      "Expected, but missing:\n  [1]\nUnexpected, but present:\n  [3]\n"),
    "same strings": (lambda t: t.assertSameElements("ab", "ba"), AssertionError,
                     "Passing string/bytes to assertSameElements is usually a bug. Did you "
                     "mean to use assertEqual?\nExpected: ab\nActual: ba"),
    "same with msg": (lambda t: t.assertSameElements([1], [1, 4], msg="m"), AssertionError,
                      "m:\nUnexpected, but present:\n  [4]\n"),
    "starts": (lambda t: t.assertStartsWith("abc", "b"), AssertionError,
               "'abc' does not start with 'b'"),
    "starts msg": (lambda t: t.assertStartsWith("abc", "b", msg="m"), AssertionError,
                   "'abc' does not start with 'b' : m"),
    "ends": (lambda t: t.assertEndsWith("abc", "b"), AssertionError,
             "'abc' does not end with 'b'"),
    "empty": (lambda t: t.assertEmpty([1]), AssertionError, "[1] has length of 1."),
    "empty unsized": (lambda t: t.assertEmpty(3), AssertionError,
                      "Expected a Sized object, got: 'int'"),
    "not empty": (lambda t: t.assertNotEmpty(()), AssertionError, "() has length of 0."),
    "not empty unsized": (lambda t: t.assertNotEmpty(3), AssertionError,
                          "Expected a Sized object, got: 'int'"),
    "len": (lambda t: t.assertLen([1, 2], 3), AssertionError,
            "[1, 2] has length of 2, expected 3."),
    "len unsized": (lambda t: t.assertLen(3, 1), AssertionError,
                    "Expected a Sized object, got: 'int'"),
    "subset": (lambda t: t.assertContainsSubset([1, 5], [1, 2]), AssertionError,
               "Missing elements {5}\nExpected: [1, 5]\nActual: [1, 2]"),
    "common": (lambda t: t.assertNoCommonElements([1, 2], [2, 3]), AssertionError,
               "Common elements {2}\nExpected: [1, 2]\nActual: [2, 3]"),
}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_assertions_that_fail_in_absl(t, name):
    call, error, message = FAILING[name]
    with pytest.raises(error) as e:
        call(t)
    assert str(e.value) == message
