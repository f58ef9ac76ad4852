"""The table of hooks that configs can name (``"StopAtStepHook"``, ``"stop_at_step"``).

Example:
    >>> @register_hook("stop_at_step")
    ... class StopAtStepHook(SessionRunHook): ...
    >>> get_hook("stop_at_step") is StopAtStepHook
    True
"""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: dict[str, type] = {}


def register_hook(*names: str) -> Callable[[type], type]:
    """Class decorator adding a hook class under its class name and ``names``.

    Raises:
        KeyError: if a name is already taken by another class.
    """

    def deco(cls: type) -> type:
        for name in (cls.__name__, *names):
            old = _HOOKS.get(name)
            if old is not None and old is not cls:
                raise KeyError(f"A hook named '{name}' is already registered "
                               f"({old.__module__}.{old.__name__}).")
            _HOOKS[name] = cls
        return cls

    return deco


def get_hook(name: str) -> type:
    """The hook class registered as ``name``.

    Raises:
        KeyError: naming the unknown hook and listing the known ones.
    """
    try:
        return _HOOKS[name]
    except KeyError:
        raise KeyError(f"Unknown hook '{name}'. Known hooks: "
                       f"{', '.join(sorted(_HOOKS))}.") from None


def hook_names() -> list[str]:
    """All registered names, sorted."""
    return sorted(_HOOKS)


__all__ = ["register_hook", "get_hook", "hook_names"]
