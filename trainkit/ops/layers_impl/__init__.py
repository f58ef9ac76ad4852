"""The functional ``tf.compat.v1.layers`` (dense, conv, pooling, normalization), one
concept per module; ``trainkit.layers`` re-exports them."""
