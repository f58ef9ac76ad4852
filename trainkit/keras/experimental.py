"""``tk.keras.experimental``: tf_keras's ``experimental`` names trainkit has
(``SequenceFeatures``).

Example:
    >>> values, length = tk.keras.experimental.SequenceFeatures(columns)(features)
"""

from __future__ import annotations

from trainkit.keras.feature_layers import SequenceFeatures

__all__ = ["SequenceFeatures"]
