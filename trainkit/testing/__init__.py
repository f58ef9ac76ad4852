"""``tf.test`` for trainkit: the test-case class and the test-runner helpers
(re-exported by the ``trainkit.test`` façade)."""
