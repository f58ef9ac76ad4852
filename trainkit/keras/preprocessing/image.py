"""``tk.keras.preprocessing.image``: ``ImageDataGenerator`` and its ``flow`` iterator,
as tf_keras 2.21 / keras-preprocessing define them, in NumPy.

A transform draws, in tf_keras's order with NumPy's global RNG: a rotation angle in
degrees (``uniform(-rotation_range, rotation_range)``), a shift along the rows and one
along the columns (fractions of the size when below 1, else pixels), a shear angle in
degrees, two zoom factors (``uniform(1 - z, 1 + z)``) and the flips. The affine matrix is
``rotation @ shift @ shear @ zoom``, centred on the image, and each output pixel reads
the input at the matrix's image of its coordinates with bilinear interpolation
(``scipy.ndimage.affine_transform(order=1)``); ``fill_mode='nearest'`` clamps to the
edge.

Differs from TF: only ``fill_mode='nearest'`` and ``'channels_last'``; no featurewise
statistics (``fit``), ZCA, brightness or channel shifts, and no saving to a directory.

Example:
    >>> gen = ImageDataGenerator(rotation_range=8, width_shift_range=0.08, zoom_range=0.08)
    >>> xb, yb = next(gen.flow(x_train, y_train, batch_size=128))
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _matrix(theta: float, tx: float, ty: float, shear: float, zx: float, zy: float,
            h: int, w: int) -> np.ndarray | None:
    """The 3x3 matrix from output (row, col) to input (row, col), or None (identity)."""
    parts = []
    if theta:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                               [0, 0, 1]]))
    if tx or ty:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], np.float64))
    if shear:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]], np.float64))
    if not parts:
        return None
    m = parts[0]
    for p in parts[1:]:
        m = m @ p
    ox, oy = h / 2 - 0.5, w / 2 - 0.5   # about the centre
    m = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]]) @ m @ \
        np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
    # tf_keras builds the matrix in (x, y) = (col, row) terms: swap to (row, col).
    return m[[1, 0, 2]][:, [1, 0, 2]]


def apply_affine_transform(x: np.ndarray, theta: float = 0, tx: float = 0, ty: float = 0,
                           shear: float = 0, zx: float = 1, zy: float = 1) -> np.ndarray:
    """One ``(rows, cols, channels)`` image through the affine transform (module doc),
    bilinear, edges clamped.

    Raises:
        ValueError: if ``x`` is not 3-D.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform expects one (rows, cols, channels) "
                         f"image, got shape {x.shape}.")
    h, w = x.shape[:2]
    m = _matrix(theta, tx, ty, shear, zx, zy, h, w)
    if m is None:
        return x
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing="ij")
    r = np.clip(m[0, 0] * rows + m[0, 1] * cols + m[0, 2], 0, h - 1)
    c = np.clip(m[1, 0] * rows + m[1, 1] * cols + m[1, 2], 0, w - 1)
    r0, c0 = np.floor(r).astype(np.int64), np.floor(c).astype(np.int64)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (r - r0)[..., None], (c - c0)[..., None]
    src = x.astype(np.float64)
    out = (src[r0, c0] * (1 - fr) * (1 - fc) + src[r0, c1] * (1 - fr) * fc
           + src[r1, c0] * fr * (1 - fc) + src[r1, c1] * fr * fc)
    return out.astype(x.dtype) if np.issubdtype(x.dtype, np.floating) else \
        np.round(out).astype(x.dtype)


def _range(value: Any, what: str) -> float | list:
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    if not isinstance(value, int | float) or value < 0:
        raise ValueError(f"ImageDataGenerator: {what} must be a number >= 0 or a list, got "
                         f"{value!r}.")
    return value


class ImageDataGenerator:
    """Random affine augmentation of image batches (module doc for the transform).

    Raises:
        ValueError: for a negative range, a bad ``zoom_range``, an unknown ``fill_mode``
            or ``data_format``.
        NotImplementedError: for the options trainkit does not have (module doc).
    """

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False,
                 samplewise_std_normalization: bool = False, zca_whitening: bool = False,
                 zca_epsilon: float = 1e-6, rotation_range: float = 0,
                 width_shift_range: Any = 0.0, height_shift_range: Any = 0.0,
                 brightness_range: Any = None, shear_range: float = 0.0,
                 zoom_range: Any = 0.0, channel_shift_range: float = 0.0,
                 fill_mode: str = "nearest", cval: float = 0.0, horizontal_flip: bool = False,
                 vertical_flip: bool = False, rescale: float | None = None,
                 preprocessing_function: Any = None, data_format: str | None = None,
                 validation_split: float = 0.0, interpolation_order: int = 1,
                 dtype: str = "float32"):
        unsupported = {"featurewise_center": featurewise_center,
                       "featurewise_std_normalization": featurewise_std_normalization,
                       "zca_whitening": zca_whitening, "brightness_range": brightness_range,
                       "channel_shift_range": channel_shift_range,
                       "validation_split": validation_split}
        for name, value in unsupported.items():
            if value:
                raise NotImplementedError(f"ImageDataGenerator: {name} is not supported by "
                                          "trainkit.")
        if fill_mode not in ("constant", "nearest", "reflect", "wrap"):
            raise ValueError(f"ImageDataGenerator: fill_mode must be one of 'constant', "
                             f"'nearest', 'reflect', 'wrap', got {fill_mode!r}.")
        if fill_mode != "nearest" or interpolation_order != 1:
            raise NotImplementedError("ImageDataGenerator: only fill_mode='nearest' with "
                                      "interpolation_order=1 is supported by trainkit.")
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(f"ImageDataGenerator: data_format must be 'channels_last' or "
                             f"'channels_first', got {data_format!r}.")
        if data_format == "channels_first":
            raise NotImplementedError("ImageDataGenerator: only channels_last is supported.")
        if isinstance(zoom_range, int | float) and zoom_range >= 0:
            zoom = [1 - zoom_range, 1 + zoom_range]
        elif isinstance(zoom_range, list | tuple) and len(zoom_range) == 2:
            zoom = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"`zoom_range` should be a float or a tuple or list of two "
                             f"floats. Received: {zoom_range}")
        self.rotation_range = _range(rotation_range, "rotation_range")
        self.height_shift_range = _range(height_shift_range, "height_shift_range")
        self.width_shift_range = _range(width_shift_range, "width_shift_range")
        self.shear_range = _range(shear_range, "shear_range")
        self.zoom_range = zoom
        self.samplewise_center = samplewise_center
        self.samplewise_std_normalization = samplewise_std_normalization
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.fill_mode, self.cval, self.zca_epsilon = fill_mode, cval, zca_epsilon
        self.dtype = dtype

    @staticmethod
    def _shift(spec: Any, size: int) -> float:
        if not spec:
            return 0
        if isinstance(spec, list):   # pixel choices, either direction
            value = float(np.random.choice(spec)) * np.random.choice([-1, 1])
        else:
            value = np.random.uniform(-spec, spec)
        return value * size if np.max(spec) < 1 else value

    def get_random_transform(self, img_shape: tuple, seed: int | None = None) -> dict:
        """Draws one transform's parameters for an image of ``img_shape``."""
        if seed is not None:
            np.random.seed(seed)
        rr = self.rotation_range
        theta = np.random.uniform(-rr, rr) if rr else 0
        tx = self._shift(self.height_shift_range, img_shape[0])
        ty = self._shift(self.width_shift_range, img_shape[1])
        shear = np.random.uniform(-self.shear_range, self.shear_range) \
            if self.shear_range else 0
        zx, zy = (1, 1) if self.zoom_range == [1, 1] else \
            np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": (np.random.random() < 0.5) * self.horizontal_flip,
                "flip_vertical": (np.random.random() < 0.5) * self.vertical_flip}

    def apply_transform(self, x: np.ndarray, transform_parameters: dict) -> np.ndarray:
        """``x`` (one image) through the given transform's parameters."""
        p = transform_parameters
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0),
                                   p.get("shear", 0), p.get("zx", 1), p.get("zy", 1))
        if p.get("flip_horizontal"):
            x = x[:, ::-1]
        if p.get("flip_vertical"):
            x = x[::-1]
        return x

    def random_transform(self, x: np.ndarray, seed: int | None = None) -> np.ndarray:
        """``x`` through a freshly drawn transform."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """``preprocessing_function``, ``rescale`` and the samplewise normalizations."""
        if self.preprocessing_function is not None:
            x = self.preprocessing_function(x)
        if self.rescale:
            x = x * self.rescale
        if self.samplewise_center:
            x = x - np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (np.std(x, keepdims=True) + 1e-6)
        return x

    def flow(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
             sample_weight: Any = None, seed: int | None = None, **kwargs: Any) -> Any:
        """An endless iterator of augmented ``(x, y)`` batches (``x`` alone without ``y``).

        Raises:
            ValueError: if ``x`` is not 4-D or ``x`` and ``y`` differ in length.
            NotImplementedError: for sample weights or saving to a directory.
        """
        if sample_weight is not None or kwargs.get("save_to_dir"):
            raise NotImplementedError("ImageDataGenerator.flow: sample_weight and "
                                      "save_to_dir are not supported.")
        return NumpyArrayIterator(x, y, self, batch_size, shuffle, seed)


class NumpyArrayIterator:
    """Batches of ``batch_size`` in a fresh permutation each pass (``shuffle``; seeded with
    ``seed + batches seen`` when a seed is given), the last batch of a pass partial;
    ``len()`` is the batches per pass."""

    def __init__(self, x: Any, y: Any, generator: ImageDataGenerator, batch_size: int,
                 shuffle: bool, seed: int | None):
        self.x = np.asarray(x, dtype=generator.dtype)
        if self.x.ndim != 4:
            raise ValueError(f"Input data in `NumpyArrayIterator` should have rank 4. You "
                             f"passed an array with shape {self.x.shape}")
        if y is not None and len(self.x) != len(y):
            raise ValueError(f"`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {self.x.shape}, y.shape = "
                             f"{np.asarray(y).shape}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"flow: batch_size must be an int >= 1, got {batch_size!r}.")
        self.y = None if y is None else np.asarray(y)
        self.generator, self.batch_size = generator, batch_size
        self.shuffle, self.seed = shuffle, seed
        self.n = len(self.x)
        self.batch_index = self.total_batches_seen = 0
        self.index_array: np.ndarray | None = None

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> NumpyArrayIterator:
        return self

    def _next_indices(self) -> np.ndarray:
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        if self.batch_index == 0:
            self.index_array = np.random.permutation(self.n) if self.shuffle else \
                np.arange(self.n)
        start = self.batch_index * self.batch_size % self.n
        self.batch_index = self.batch_index + 1 if start + self.batch_size < self.n else 0
        self.total_batches_seen += 1
        return self.index_array[start:start + self.batch_size]

    def __next__(self) -> Any:
        ids = self._next_indices()
        gen = self.generator
        batch = np.stack([gen.standardize(gen.random_transform(self.x[i]))
                          for i in ids]).astype(gen.dtype)
        return batch if self.y is None else (batch, self.y[ids])

    next = __next__


__all__ = ["ImageDataGenerator", "NumpyArrayIterator", "apply_affine_transform"]
