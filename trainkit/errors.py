"""The ``tf.errors`` hierarchy: ``OpError`` and its 16 canonical subclasses.

Every class is constructed as ``Cls(node_def, op, message)`` and exposes ``node_def``,
``op``, ``message`` and ``error_code``, exactly like ``tf.compat.v1.errors``.

Example:
    >>> try:
    ...     raise OutOfRangeError(None, None, "End of sequence")
    ... except OpError as e:
    ...     e.error_code == OUT_OF_RANGE
    True
"""

from __future__ import annotations

from typing import Any

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A failure while running (or building) an op.

    Args:
        node_def: the failing node's definition, or None.
        op: the failing ``Operation``, or None.
        message: what went wrong.
        error_code: one of the code constants of this module.
    """

    error_code_default = UNKNOWN

    def __init__(self, node_def: Any, op: Any, message: str, error_code: int | None = None):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = self.error_code_default if error_code is None else error_code

    @property
    def message(self) -> str:
        """The error message."""
        return self._message

    @property
    def op(self) -> Any:
        """The ``Operation`` that failed, or None."""
        return self._op

    @property
    def node_def(self) -> Any:
        """The ``NodeDef`` of the failing op, or None."""
        return self._node_def

    @property
    def error_code(self) -> int:
        """The canonical error code."""
        return self._error_code

    def attach_op(self, op: Any) -> None:
        """Names ``op`` as the failing op of an error raised without one (what the
        executor does for a kernel's error): sets :attr:`op` and prefixes the message
        with ``"<Type> op '<name>': "`` unless it already names the op."""
        self._op = op
        msg = self._message
        if f"'{op.name}'" not in msg:  # quoted: a short name like 'n' is in most texts
            msg = f"{op.type} op '{op.name}': {msg}"
        self._message = msg
        self.args = (msg,)

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):
        return (type(self), (None, None, self._message))


def _make(name: str, code: int, doc: str) -> type[OpError]:
    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {
        "__init__": __init__, "__doc__": doc, "error_code_default": code,
        "__module__": __name__,
    })


CancelledError = _make("CancelledError", CANCELLED, "An operation or step was cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "An unknown error.")
InvalidArgumentError = _make(
    "InvalidArgumentError", INVALID_ARGUMENT, "An op received an invalid argument.")
DeadlineExceededError = _make(
    "DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline expired before the op finished.")
NotFoundError = _make("NotFoundError", NOT_FOUND, "A requested entity was not found.")
AlreadyExistsError = _make(
    "AlreadyExistsError", ALREADY_EXISTS, "An entity to create already exists.")
PermissionDeniedError = _make(
    "PermissionDeniedError", PERMISSION_DENIED, "The caller may not run this operation.")
ResourceExhaustedError = _make(
    "ResourceExhaustedError", RESOURCE_EXHAUSTED, "Some resource has been exhausted.")
FailedPreconditionError = _make(
    "FailedPreconditionError", FAILED_PRECONDITION,
    "The system is not in a state to run the op (e.g. an uninitialized variable).")
AbortedError = _make("AbortedError", ABORTED, "The operation was aborted.")
OutOfRangeError = _make(
    "OutOfRangeError", OUT_OF_RANGE, "An iterator or queue reached its end.")
UnimplementedError = _make(
    "UnimplementedError", UNIMPLEMENTED, "The operation is not implemented.")
InternalError = _make("InternalError", INTERNAL, "An internal invariant was broken.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "The runtime is unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS, "Unrecoverable data loss or corruption.")
UnauthenticatedError = _make(
    "UnauthenticatedError", UNAUTHENTICATED, "The request lacks valid credentials.")

_CODE_TO_CLASS: dict[int, type[OpError]] = {
    cls.error_code_default: cls
    for cls in (CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError,
                NotFoundError, AlreadyExistsError, PermissionDeniedError,
                ResourceExhaustedError, FailedPreconditionError, AbortedError,
                OutOfRangeError, UnimplementedError, InternalError, UnavailableError,
                DataLossError, UnauthenticatedError)
}


def exception_type_from_error_code(error_code: int) -> type[OpError]:
    """Returns the ``OpError`` subclass for a canonical error code."""
    return _CODE_TO_CLASS[error_code]


def error_code_from_exception_type(cls: type[OpError]) -> int:
    """Returns the canonical error code of an ``OpError`` subclass."""
    return cls.error_code_default


__all__ = [
    "OpError", "CancelledError", "UnknownError", "InvalidArgumentError",
    "DeadlineExceededError", "NotFoundError", "AlreadyExistsError", "PermissionDeniedError",
    "ResourceExhaustedError", "FailedPreconditionError", "AbortedError", "OutOfRangeError",
    "UnimplementedError", "InternalError", "UnavailableError", "DataLossError",
    "UnauthenticatedError", "exception_type_from_error_code",
    "error_code_from_exception_type", "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
]
