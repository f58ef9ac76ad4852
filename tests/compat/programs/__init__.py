"""TF1 programs written the way TF1 tutorials and example collections write them.

Each module has ``main(tf) -> dict`` taking the TF1 API module (``trainkit`` or TF's
``tf.compat.v1``) and returning the program's final numbers; ``COMPARE`` says how closely
trainkit's numbers must match TF1's recorded ones (``tf_reference.json``, written by
``python -m tests.compat.programs.reference`` under TensorFlow). The only adaptations of
the originals: the MNIST download is replaced by :mod:`.mnist_like` (the bundled UCI
digits scaled to 28×28), step counts are short, and where a program starts from random
weights both backends start from the same NumPy draw (:func:`.common.same_start`).
"""
