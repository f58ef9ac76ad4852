"""``arg_scope`` / ``add_arg_scope`` (``tf.contrib.framework``, ``slim``): default keyword
arguments for decorated functions, set for a block of code.

Example:
    >>> with arg_scope([fully_connected], activation_fn=None):
    ...     y = fully_connected(x, 10)        # activation_fn=None unless passed
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

# One stack for the process, as TF's (a list of {function key: {arg: value}}).
_STACK: list[dict[str, dict[str, Any]]] = [{}]
# Every decorated function's key and the keyword arguments it takes.
_DECORATED: dict[str, tuple[str, ...]] = {}


def arg_scope_func_key(op: Callable) -> str:
    """The key under which ``op``'s defaults are stored."""
    return getattr(op, "_key_op", None) or f"{op.__module__}.{op.__qualname__}"


def current_arg_scope() -> dict[str, dict[str, Any]]:
    """The innermost scope: ``{function key: {arg: value}}``."""
    return _STACK[-1]


def has_arg_scope(func: Callable) -> bool:
    """Whether ``func`` was decorated with :func:`add_arg_scope`."""
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func: Callable) -> tuple[str, ...]:
    """The keyword arguments (those with defaults) an arg_scope can set for ``func``."""
    if not has_arg_scope(func):
        raise ValueError(f"{func!r} is not decorated with @add_arg_scope")
    return _DECORATED[arg_scope_func_key(func)]


def _keyword_names(func: Callable) -> tuple[str, ...]:
    params = inspect.signature(func).parameters.values()
    return tuple(p.name for p in params
                 if p.default is not inspect.Parameter.empty
                 and p.kind is not inspect.Parameter.KEYWORD_ONLY)


def add_arg_scope(func: Callable) -> Callable:
    """Lets ``func`` take default keyword arguments from the enclosing :func:`arg_scope`
    (arguments passed explicitly win)."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args: Any, **kwargs: Any) -> Any:
        defaults = current_arg_scope().get(key)
        if defaults:
            kwargs = {**defaults, **kwargs}
        return func(*args, **kwargs)

    _DECORATED[key] = _keyword_names(func)
    func_with_args._key_op = key  # type: ignore[attr-defined]
    return func_with_args


@contextlib.contextmanager
def arg_scope(list_ops_or_scope: Any, **kwargs: Any) -> Iterator[dict[str, dict[str, Any]]]:
    """Sets ``kwargs`` as defaults of every function of ``list_ops_or_scope`` (merged over
    the enclosing scope's), or re-enters a scope dict yielded by an earlier ``arg_scope``.

    Raises:
        TypeError: if ``list_ops_or_scope`` is neither a list/tuple nor a dict.
        ValueError: for a dict together with ``kwargs``, or a function not decorated with
            :func:`add_arg_scope`.
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, "
                             "kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    elif isinstance(list_ops_or_scope, list | tuple):
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(f"{getattr(op, '__name__', op)!r} is not decorated with "
                                 "@add_arg_scope")
            key = arg_scope_func_key(op)
            scope[key] = {**scope.get(key, {}), **kwargs}
    else:
        raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                        "(i.e. dict)")
    _STACK.append(scope)
    try:
        yield scope
    finally:
        _STACK.pop()


__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "arg_scope_func_key"]
