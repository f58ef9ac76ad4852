"""``OwnParameters``: a mixin for a distribution that is built by calling another
distribution's constructor (``LogNormal`` over ``TransformedDistribution``, ``Chi2`` over
``Gamma``, ``NormalWithSoftplusScale`` over ``Normal``) so that ``parameters`` (and so
``copy()``) report the arguments of the class the user called, as TF does.

Example:
    >>> class Chi2(OwnParameters, Gamma):
    ...     def __init__(self, df, ...):
    ...         parameters = dict(locals())
    ...         super().__init__(0.5 * df, 0.5)
    ...         self.keep_parameters(parameters)
"""

from __future__ import annotations


class OwnParameters:
    """Overrides ``parameters`` with the dict given to ``keep_parameters``."""

    _own_parameters: dict | None = None

    def keep_parameters(self, parameters: dict) -> None:
        """Records the constructor's ``locals()`` (without ``self``/``__class__``)."""
        self._own_parameters = {k: v for k, v in parameters.items()
                                if k not in ("self", "__class__")}

    @property
    def parameters(self) -> dict:
        """The constructor's arguments, by name."""
        if self._own_parameters is None:
            return super().parameters  # type: ignore[misc]
        return dict(self._own_parameters)


__all__ = ["OwnParameters"]
