"""``tk.keras.applications.resnet50``: ResNet50 and its input scaling (the names
``tf.keras.applications.resnet50`` has; see ``resnet``)."""

from __future__ import annotations

from trainkit.keras.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "preprocess_input", "decode_predictions"]
