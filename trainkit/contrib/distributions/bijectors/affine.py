"""``tf.contrib.distributions.bijectors.Affine``: ``y = scale @ x + shift`` on vectors with
a lower-triangular scale (``forward_min_event_ndims`` 1).

Example:
    >>> Affine(shift=[1.0, 2.0], scale_diag=[2.0, 3.0]).forward([1.0, 1.0])   # [3., 5.]
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.contrib.distributions.bijectors.bijector import Bijector
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies


class Affine(Bijector):
    """``y = scale @ x + shift`` on vectors, with the lower-triangular
    ``scale = scale_tril + diag(scale_diag) + scale_identity_multiplier * I``; the terms
    given are added, and with none the scale is the identity.

    Args:
        shift: float ``[..., k]`` (None: 0).
        scale_identity_multiplier: float ``[...]``.
        scale_diag: float ``[..., k]``.
        scale_tril: float ``[..., k, k]`` (only its lower triangle is read).
        scale_perturb_factor, scale_perturb_diag, adjoint: TF's low-rank update and
            transposed scale; only the defaults are supported.
        validate_args: run-time check that the scale's diagonal has no zero.
        name: as ``Bijector``.
        dtype: the float dtype of the parameters (None: that of the first given).

    Raises:
        ValueError: if no argument fixes the event size ``k``.
        NotImplementedError: for a low-rank perturbation or ``adjoint=True``.

    Differs from TF: the low-rank ``scale_perturb_*`` arguments and ``adjoint`` are not
    supported.
    """

    def __init__(self, shift: Any = None, scale_identity_multiplier: Any = None,
                 scale_diag: Any = None, scale_tril: Any = None,
                 scale_perturb_factor: Any = None, scale_perturb_diag: Any = None,
                 adjoint: bool = False, validate_args: bool = False, name: str = "affine",
                 dtype: Any = None) -> None:
        if scale_perturb_factor is not None or scale_perturb_diag is not None or adjoint:
            raise NotImplementedError("Affine's scale_perturb_factor/scale_perturb_diag and "
                                      "adjoint=True are not supported.")
        with tk.name_scope(name, values=[shift, scale_identity_multiplier, scale_diag,
                                         scale_tril]):
            conv = {}
            for key, value in (("shift", shift), ("scale_diag", scale_diag),
                               ("scale_tril", scale_tril),
                               ("scale_identity_multiplier", scale_identity_multiplier)):
                if value is not None:
                    conv[key] = tk.convert_to_tensor(value, name=key, dtype=dtype)
                    dtype = conv[key].dtype
            self._shift = conv.get("shift")
            self._scale = self._build_scale(conv, validate_args)
        parents = list(conv.values())
        super().__init__(graph_parents=parents, is_constant_jacobian=True,
                         validate_args=validate_args, dtype=dtype,
                         forward_min_event_ndims=1, name=name)

    @staticmethod
    def _build_scale(conv: dict, validate_args: bool) -> Tensor | None:
        tril, diag = conv.get("scale_tril"), conv.get("scale_diag")
        mult = conv.get("scale_identity_multiplier")
        if tril is None and diag is None and mult is None:
            return None
        scale = None if tril is None else tk.linalg.band_part(tril, -1, 0)
        if diag is not None:
            d = tk.linalg.diag(diag)
            scale = d if scale is None else scale + d
        if mult is not None:
            if scale is None:
                like = conv.get("shift")
                if like is None:
                    raise ValueError("Affine with only scale_identity_multiplier needs "
                                     "`shift` to know the event size.")
                scale = tk.linalg.diag(tk.ones_like(like)) * mult[..., None, None]
            else:
                eye = tk.linalg.diag(tk.ones_like(tk.linalg.diag_part(scale)))
                scale = scale + eye * mult[..., None, None]
        if validate_args:
            scale = with_dependencies([tk.assert_none_equal(
                tk.linalg.diag_part(scale), tk.zeros([], scale.dtype),
                message="Singular operator: diagonal contained zero values.")], scale)
        return scale

    @property
    def shift(self) -> Tensor | None:
        """The shift (None: 0)."""
        return self._shift

    @property
    def scale(self) -> Tensor | None:
        """The dense lower-triangular scale (None: identity).

        Differs from TF: TF returns a ``LinearOperator``.
        """
        return self._scale

    def _forward(self, x: Tensor) -> Tensor:
        y = x if self._scale is None else tk.reduce_sum(self._scale * x[..., None, :], -1)
        return y if self._shift is None else y + self._shift

    def _inverse(self, y: Tensor) -> Tensor:
        x = y if self._shift is None else y - self._shift
        if self._scale is None:
            return x
        scale, rhs = self._scale, x[..., None]
        batch = tk.shape(scale[..., 0, 0] + rhs[..., 0, 0])
        scale = tk.broadcast_to(scale, tk.concat([batch, tk.shape(scale)[-2:]], 0))
        rhs = tk.broadcast_to(rhs, tk.concat([batch, tk.shape(rhs)[-2:]], 0))
        return tk.linalg.triangular_solve(scale, rhs, lower=True)[..., 0]

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        if self._scale is None:
            return tk.zeros_like(x[..., 0])
        logdet = tk.reduce_sum(tk.log(tk.abs(tk.linalg.diag_part(self._scale))), -1)
        return logdet * tk.ones_like(x[..., 0])

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -self._forward_log_det_jacobian(y)


__all__ = ["Affine"]
