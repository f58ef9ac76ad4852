"""``tensorflow.examples.tutorials.mnist``: ``input_data``."""
