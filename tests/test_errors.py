"""trainkit.errors mirrors tf.errors: 16 classes, codes, constructor and attributes."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit import errors

EXPECTED = {
    "CancelledError": 1, "UnknownError": 2, "InvalidArgumentError": 3,
    "DeadlineExceededError": 4, "NotFoundError": 5, "AlreadyExistsError": 6,
    "PermissionDeniedError": 7, "ResourceExhaustedError": 8, "FailedPreconditionError": 9,
    "AbortedError": 10, "OutOfRangeError": 11, "UnimplementedError": 12,
    "InternalError": 13, "UnavailableError": 14, "DataLossError": 15,
    "UnauthenticatedError": 16,
}


@pytest.mark.parametrize("name,code", sorted(EXPECTED.items()))
def test_class_code_and_attributes(name, code):
    cls = getattr(errors, name)
    e = cls("nd", "the-op", "boom")
    assert isinstance(e, errors.OpError)
    assert (e.node_def, e.op, e.message, e.error_code) == ("nd", "the-op", "boom", code)
    assert str(e) == "boom"
    assert errors.exception_type_from_error_code(code) is cls
    assert errors.error_code_from_exception_type(cls) == code


def test_code_constants():
    assert errors.OK == 0
    for name, code in EXPECTED.items():
        const = "".join("_" + c if c.isupper() else c for c in name[:-5]).lstrip("_").upper()
        assert getattr(errors, const) == code, const


def test_public_alias():
    assert tk.errors.OutOfRangeError is errors.OutOfRangeError
