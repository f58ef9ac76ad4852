"""``tk.keras.preprocessing``: ``image.ImageDataGenerator`` (random affine augmentation
of NumPy image batches)."""

from trainkit.keras.preprocessing import image

__all__ = ["image"]
