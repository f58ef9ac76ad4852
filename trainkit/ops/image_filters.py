"""Image measures and filters built from differentiable ops: ``ssim`` (TF's 11x11
Gaussian window via ``depthwise_conv2d`` VALID, its constants and per-channel mean),
``sobel_edges`` (reflect-padded 3x3 Sobel pairs) and ``extract_image_patches``
(strided slices of the padded image, concatenated as TF's ``(row, col, depth)`` order).

Example:
    >>> score = ssim(img1, img2, max_val=1.0)              # [batch]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    control_flow_ops,
    join_ops,
    math_ops,
    nn_activations,
    pool_ops,
)
from trainkit.ops.check_ops import Assert
from trainkit.ops.depthwise_conv_ops import depthwise_conv2d
from trainkit.ops.image_ops import convert_image_dtype


def _gauss(size: int, sigma: float) -> np.ndarray:
    coords = np.arange(size, dtype=np.float32) - np.float32((size - 1) / 2.0)
    g = np.square(coords) * np.float32(-0.5 / sigma ** 2)
    g = (g[None, :] + g[:, None]).reshape(-1)
    g = np.exp(g - g.max())
    return (g / g.sum()).reshape(size, size).astype(np.float32)


def _flat_shape(inner: list) -> Any:
    """``[-1, height, width, depth]``, built in the graph if a size is a tensor."""
    if any(isinstance(d, Tensor) for d in inner):
        return array_ops.stack([-1, *inner])
    return [-1, *inner]


def _ssim_per_channel(x: Tensor, y: Tensor, mv: Tensor, filter_size: int,
                      filter_sigma: float, k1: float, k2: float) -> tuple[Tensor, Tensor]:
    """TF's ``_ssim_per_channel``: per image and channel, the mean of ``luminance * cs``
    and the mean of ``cs`` over the Gaussian-weighted windows (float32 images).

    Height, width, depth and rank may be known only when the graph runs; the size check
    is then an ``Assert`` (TF's), else a ``ValueError`` now.
    """
    dims = x.shape.as_list() if x.shape.ndims is not None else [None] * 3
    if x.shape.ndims is not None and x.shape.ndims < 3:
        raise ValueError(f"ssim: images must have at least 3 dimensions, got {x.shape}.")
    known_hw = [d for d in dims[-3:-1] if d is not None]
    if known_hw and min(known_hw) < filter_size:
        raise ValueError(f"ssim: images of size at least {filter_size}x{filter_size} are "
                         f"needed, got {x.shape}.")
    shape = array_ops.shape(x)
    if None in dims[-3:-1]:
        big = math_ops.reduce_all(math_ops.greater_equal(shape[-3:-1], filter_size))
        check = Assert(big, [shape, filter_size], summarize=8)
        x, y = (control_flow_ops.with_dependencies([check], t) for t in (x, y))
    inner = [d if d is not None else shape[i - 3] for i, d in enumerate(dims[-3:])]
    gauss = _gauss(filter_size, filter_sigma)[:, :, None, None]
    kernel: Any = (np.tile(gauss, [1, 1, dims[-1], 1]) if dims[-1] is not None
                   else array_ops.tile(gauss, array_ops.stack([1, 1, shape[-1], 1])))
    lead = shape[:-3]

    def reducer(t: Tensor) -> Tensor:
        flat = array_ops.reshape(t, _flat_shape(inner))
        out = depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
        return array_ops.reshape(out, array_ops.concat([lead, array_ops.shape(out)[1:]], 0))

    c1, c2 = (k1 * mv) ** 2, (k2 * mv) ** 2
    mean0, mean1 = reducer(x), reducer(y)
    num0 = mean0 * mean1 * 2.0
    den0 = math_ops.square(mean0) + math_ops.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(x * y) * 2.0
    den1 = reducer(math_ops.square(x) + math_ops.square(y))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return (math_ops.reduce_mean(luminance * cs, [-3, -2]),
            math_ops.reduce_mean(cs, [-3, -2]))


def _float_images(img1: Any, img2: Any, max_val: Any) -> tuple[Tensor, Tensor, Tensor]:
    """Both images as float32 in TF's ``convert_image_dtype`` scale, and ``max_val`` cast
    to the images' dtype and converted the same way (255 for uint8 images becomes 1)."""
    a = conversion.convert_to_tensor(img1, name="img1")
    b = conversion.convert_to_tensor(img2, name="img2")
    mv = convert_image_dtype(math_ops.cast(max_val, a.dtype), _dt.float32)
    return convert_image_dtype(a, _dt.float32), convert_image_dtype(b, _dt.float32), mv


def ssim(img1: Any, img2: Any, max_val: Any, filter_size: int = 11,
         filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03) -> Tensor:
    """The structural similarity of each image pair (averaged over channels).

    The images' height, width and depth may be known only when the graph runs.

    Raises:
        ValueError: images known to be smaller than ``filter_size``.
        errors.InvalidArgumentError: when run, for images smaller than ``filter_size``
            whose size was not known when the graph was built (TF's ``Assert``).
    """
    with name_scope(None, "SSIM", [img1, img2]):
        x, y, mv = _float_images(img1, img2, max_val)
        per_channel, _ = _ssim_per_channel(x, y, mv, filter_size, filter_sigma, k1, k2)
        return math_ops.reduce_mean(per_channel, [-1])


#: TF's default weights of the five MS-SSIM scales
MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1: Any, img2: Any, max_val: Any,
                    power_factors: Any = MSSSIM_WEIGHTS, filter_size: int = 11,
                    filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03) -> Tensor:
    """Multi-scale SSIM: ``cs`` at every scale but the last and ``ssim`` at the last (each
    through ``relu``), raised to ``power_factors`` and multiplied, averaged over channels;
    each next scale is a 2x2 average pool, symmetric-padded to even sizes first (TF's).

    The images' height, width and depth may be known only when the graph runs.

    Raises:
        ValueError: images known to be too small for the last scale's filter.
        errors.InvalidArgumentError: when run, for images too small for a scale's filter
            whose size was not known when the graph was built (TF's ``Assert``).
    """
    with name_scope(None, "MS-SSIM", [img1, img2]):
        x, y, mv = _float_images(img1, img2, max_val)
        imgs = [x, y]
        mcs: list = []
        per_channel = None
        for k in range(len(power_factors)):
            with name_scope(None, f"Scale{k}", imgs):
                if k > 0:
                    imgs = [_half_scale(t) for t in imgs]
                per_channel, cs = _ssim_per_channel(imgs[0], imgs[1], mv, filter_size,
                                                    filter_sigma, k1, k2)
                mcs.append(nn_activations.relu(cs))
        mcs.pop()
        terms = mcs + [nn_activations.relu(per_channel)]
        if per_channel.shape.ndims is None:
            # stacking on a last axis needs the rank: the same products, left to right
            ms = math_ops.pow(terms[0], np.float32(power_factors[0]))
            for t, p in zip(terms[1:], power_factors[1:], strict=True):
                ms = ms * math_ops.pow(t, np.float32(p))
        else:
            stacked = join_ops.stack(terms, axis=-1)
            powers = conversion.convert_to_tensor(list(power_factors), dtype=_dt.float32)
            ms = math_ops.reduce_prod(math_ops.pow(stacked, powers), [-1])
        return math_ops.reduce_mean(ms, [-1])


def _half_scale(t: Tensor) -> Tensor:
    """A 2x2 average pool of every image (leading dimensions kept), odd sizes first
    padded by one symmetric row/column at the end, as TF's MS-SSIM does (sizes known
    only when the graph runs are padded by ``size % 2``, which is TF's result too)."""
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    h, w, c = dims[-3:] if dims is not None else (None, None, None)
    shape = array_ops.shape(t)
    lead = shape[:-3]
    inner = [d if d is not None else shape[i - 3] for i, d in enumerate((h, w, c))]
    flat = array_ops.reshape(t, _flat_shape(inner))
    if h is None or w is None:
        odd = array_ops.stack([0, 0, 0, inner[0] % 2, 0, inner[1] % 2, 0, 0])
        flat = array_ops.pad(flat, array_ops.reshape(odd, [4, 2]), mode="SYMMETRIC")
    elif h % 2 or w % 2:
        flat = array_ops.pad(flat, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]],
                             mode="SYMMETRIC")
    pooled = pool_ops.avg_pool(flat, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    out = array_ops.reshape(pooled, array_ops.concat([lead, array_ops.shape(pooled)[1:]], 0))
    if dims is not None:
        out.set_shape(dims[:-3] + [None if h is None else (h + 1) // 2,
                                   None if w is None else (w + 1) // 2, c])
    return out


def sobel_edges(image: Any) -> Tensor:
    """``[batch, h, w, d, 2]``: the vertical (dy) and horizontal (dx) Sobel responses of
    each channel, the image reflect-padded by one pixel."""
    with name_scope(None, "sobel_edges", [image]):
        x = conversion.convert_to_tensor(image, name="image")
        d = x.shape.as_list()[-1]
        ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
        kernels = [ky, ky.T]
        padded = array_ops.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        outs = []
        for k in kernels:
            filt = np.tile(k[:, :, None, None], [1, 1, d, 1]).astype(x.dtype.np_dtype)
            outs.append(depthwise_conv2d(padded, filt, [1, 1, 1, 1], "VALID"))
        return array_ops.stack(outs, axis=-1)


def _pads(size: Any, k: int, s: int, padding: str) -> tuple[Any, Any, Any]:
    """Output length and the padding before/after along an axis of ``size`` (an int, or a
    scalar tensor for a length known only when the graph runs)."""
    if padding == "VALID":
        return (size - k) // s + 1, 0, 0
    out = -(-size // s)
    total = (out - 1) * s + k - size
    total = math_ops.maximum(total, 0) if isinstance(total, Tensor) else max(total, 0)
    return out, total // 2, total - total // 2


def extract_image_patches(images: Any = None, ksizes: Any = None, strides: Any = None,
                          rates: Any = None, padding: Any = None, name: str | None = None,
                          sizes: Any = None, input: Any = None  # noqa: A002
                          ) -> Tensor:
    """``[batch, out_h, out_w, kh * kw * depth]``: each (dilated) ``ksizes`` patch,
    flattened in TF's order (row, column, depth); ``SAME`` pads with zeros.

    The image's height and width may be known only when the graph runs.

    Raises:
        ValueError: a bad padding.
    """
    x = conversion.convert_to_tensor(images if images is not None else input, name="images")
    _, kh, kw, _ = ksizes if ksizes is not None else sizes
    _, sh, sw, _ = strides
    _, rh, rw, _ = rates
    pad = str(padding).upper()
    if pad not in ("VALID", "SAME"):
        raise ValueError(f"padding must be 'VALID' or 'SAME', got {padding!r}.")
    with name_scope(name, "ExtractImagePatches", [x]):
        h, w = x.shape.as_list()[1:3]
        shape = array_ops.shape(x) if h is None or w is None else None
        oh, top, bottom = _pads(shape[1] if h is None else h, (kh - 1) * rh + 1, sh, pad)
        ow, left, right = _pads(shape[2] if w is None else w, (kw - 1) * rw + 1, sw, pad)
        pads = (top, bottom, left, right)
        if any(isinstance(v, Tensor) or v for v in pads):
            n, c = x.shape.as_list()[0], x.shape.as_list()[3]
            x = array_ops.pad(x, array_ops.reshape(
                array_ops.stack([0, 0, top, bottom, left, right, 0, 0]), [4, 2]))
            x.set_shape([n, None if h is None else h + top + bottom,
                         None if w is None else w + left + right, c])
        pieces = [x[:, i * rh:i * rh + (oh - 1) * sh + 1:sh,
                    j * rw:j * rw + (ow - 1) * sw + 1:sw, :]
                  for i in range(kh) for j in range(kw)]
        return array_ops.concat(pieces, -1)


__all__ = ["ssim", "ssim_multiscale", "MSSSIM_WEIGHTS", "sobel_edges", "extract_image_patches"]
