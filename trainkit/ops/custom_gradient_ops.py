"""``tf.custom_gradient`` (graph mode, as TF1 builds it) and ``tf.make_template``.

``custom_gradient(f)``: ``f(*x)`` returns ``(y, grad_fn)``; the outputs pass through one
``IdentityN`` op over ``x + y`` whose gradient is overridden to call
``grad_fn(*dy)`` for ``x`` (and nothing for the computation of ``y``), as TF does.
``grad_fn`` may also take ``variables=`` and return ``(dx, dvars)``; the variables are the
trainable ones ``f`` created or read through ``get_variable``.

``make_template(name, func)``: a callable that runs ``func`` in one variable scope,
creating its variables on the first call and reusing them on every later call.

Example:
    >>> @tk.custom_gradient
    ... def clip_grad(x):
    ...     return tk.identity(x), lambda dy: tk.clip_by_value(dy, -1.0, 1.0)
"""

from __future__ import annotations

import functools
import inspect
import itertools
from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.gradient_registration import RegisterGradient
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops.misc_ops import identity_n
from trainkit.ops.variable_scope import AUTO_REUSE, variable_scope

_IDS = itertools.count()


def custom_gradient(f: Callable) -> Callable:
    """Decorates ``f(*x) -> (y, grad_fn)`` so that ``tk.gradients`` uses ``grad_fn``.

    Raises:
        TypeError: at call time, when ``f`` does not return ``(outputs, grad_fn)``.
    """
    @functools.wraps(f)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        graph = get_default_graph()
        xs = [conversion.convert_to_tensor(a) for a in args]
        before = set(graph.get_collection(GraphKeys.TRAINABLE_VARIABLES))
        out = f(*xs, **kwargs)
        if not isinstance(out, tuple) or len(out) != 2 or not callable(out[1]):
            raise TypeError("custom_gradient: f must return (outputs, grad_fn).")
        result, grad_fn = out
        created = [v for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
                   if v not in before]
        takes_vars = "variables" in inspect.signature(grad_fn).parameters
        var_refs = [v._as_graph_element() for v in created] if takes_vars else []
        flat = [conversion.convert_to_tensor(t) for t in nest.flatten(result)]
        n_in = len(xs) + len(var_refs)
        name = f"CustomGradient-{next(_IDS)}"

        @RegisterGradient(name)
        def _grad(op: Any, *grads: Tensor) -> list:
            dys = list(grads[n_in:])
            if takes_vars:
                dx, dvars = grad_fn(*dys, variables=created)
                dvars = list(dvars)
            else:
                dx, dvars = grad_fn(*dys), []
            dx = list(dx) if isinstance(dx, list | tuple) else [dx]
            return dx + dvars + [None] * len(flat)

        with graph.gradient_override_map({"IdentityN": name}):
            outs = identity_n(xs + var_refs + flat)
        return nest.pack_sequence_as(result, outs[n_in:])

    return decorated


class Template:
    """What :func:`make_template` returns: call it like ``func``."""

    def __init__(self, name: str, func: Callable, create_scope_now: bool,
                 unique_name: str | None, custom_getter: Callable | None):
        self._name = name
        self._func = func
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._created = False
        self._scope: Any = None
        if create_scope_now:
            with variable_scope(unique_name, name, custom_getter=custom_getter) as vs:
                self._scope = vs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._scope is None:
            with variable_scope(self._unique_name, self._name,
                                custom_getter=self._custom_getter) as vs:
                self._scope = vs
                return self._first_call(args, kwargs)
        if not self._created:
            with variable_scope(self._scope, reuse=AUTO_REUSE):
                return self._first_call(args, kwargs)
        with variable_scope(self._scope, reuse=True):
            return self._func(*args, **kwargs)

    def _first_call(self, args: tuple, kwargs: dict) -> Any:
        out = self._func(*args, **kwargs)
        self._created = True
        return out

    @property
    def name(self) -> str:
        return self._name

    @property
    def variable_scope(self) -> Any:
        return self._scope

    @property
    def variable_scope_name(self) -> str | None:
        """The scope's name with a trailing ``/`` (None before the first call)."""
        if self._scope is None:
            return None
        name = self._scope.name
        return name if not name or name.endswith("/") else name + "/"

    def _collect(self, key: str) -> list:
        if self._scope is None:
            return []
        return get_default_graph().get_collection(key, self._scope.name + "/")

    @property
    def variables(self) -> list:
        return self._collect(GraphKeys.GLOBAL_VARIABLES)

    global_variables = variables

    @property
    def trainable_variables(self) -> list:
        return self._collect(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def local_variables(self) -> list:
        return self._collect(GraphKeys.LOCAL_VARIABLES)


def make_template(name_: str, func_: Callable, create_scope_now_: bool = False,
                  unique_name_: str | None = None, custom_getter_: Callable | None = None,
                  **kwargs: Any) -> Template:
    """``func_`` (with ``kwargs`` bound) wrapped so that every call shares the variables
    of the first: the scope is ``name_`` made unique (or ``unique_name_``)."""
    return Template(name_, functools.partial(func_, **kwargs), create_scope_now_,
                    unique_name_, custom_getter_)


__all__ = ["custom_gradient", "make_template", "Template"]
