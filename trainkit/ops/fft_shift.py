"""``tf.signal.fftshift`` and ``ifftshift``: rolling the zero frequency to the middle of
the spectrum and back (``roll`` by ``n // 2``, resp. ``-(n // 2)``, along each axis).

Differs from TF: the shifted axes must have sizes known when the graph is built.

Example:
    >>> centred = tk.signal.fftshift(tk.fft(z), axes=-1)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops.array_extras import roll


def _shift(kind: str, x: Any, axes: Any, sign: int, name: str | None) -> Tensor:
    t = conversion.convert_to_tensor(x)
    if t.shape.ndims is None:
        raise ValueError(f"{kind} needs a tensor of known rank, got {t.name}.")
    rank = t.shape.ndims
    single = isinstance(axes, int)
    picked = list(range(rank)) if axes is None else [axes] if single else list(axes)
    sizes = []
    for a in picked:
        if not -rank <= a < rank:
            raise ValueError(f"{kind}: axis {a} is out of range for rank {rank}.")
        if t.shape[a] is None:
            raise ValueError(f"{kind}: the size of axis {a} of {t.name} must be known when "
                             "the graph is built.")
        sizes.append(int(t.shape[a]))
    if not picked:
        return t
    shifts = [sign * (n // 2) for n in sizes]
    return roll(t, shifts, picked, name=name or kind)


def fftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """``x`` rolled by half its size along ``axes`` (default: all), so the zero frequency
    of a spectrum sits in the middle."""
    return _shift("fftshift", x, axes, 1, name)


def ifftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """The inverse of :func:`fftshift` (differs from it for odd sizes)."""
    return _shift("ifftshift", x, axes, -1, name)


__all__ = ["fftshift", "ifftshift"]
