"""A crossed feature column through ``input_layer``, from baiyuting/test_wide_and_deep,
``test.py``: a ``categorical_column_with_vocabulary_list('department', ...)`` crossed
with a ``categorical_column_with_identity('sex', num_buckets=2, default_value=0)`` into
16 hash buckets, wrapped in an ``indicator_column``, fed from plain Python lists
(``sex`` 2 is out of range and takes the default id), ``tables_initializer`` and
``global_variables_initializer`` run, the multi-hot input layer fetched.

Adapted: the session is closed with ``with``; ``tables_initializer`` is run only where
the library has one (trainkit's vocabulary lookups need no table initialization); the
program also reports the variable name a ``linear_model`` gives the cross and its
initial logits. The bucket of each cross is TF's hash, so the multi-hot rows must be
identical."""

from __future__ import annotations

import numpy as np

COMPARE = {"inputs": 0.0, "linear_variables": 0.0, "logits_sum": 1e-6}


def main(tf):
    features = {
        "sex": [1, 2, 1, 1, 2],
        "department": ["sport", "sport", "drawing", "gardening", "travelling"],
    }
    department = tf.feature_column.categorical_column_with_vocabulary_list(
        "department", ["sport", "drawing", "gardening", "travelling"], dtype=tf.string)
    sex = tf.feature_column.categorical_column_with_identity("sex", num_buckets=2,
                                                             default_value=0)
    sex_department = tf.feature_column.crossed_column([department, sex], 16)
    sex_department_linear = sex_department
    sex_department = tf.feature_column.indicator_column(sex_department)
    columns = [sex_department]
    inputs = tf.feature_column.input_layer(features, columns)
    logits = tf.feature_column.linear_model(features, [sex_department_linear])
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        if hasattr(tf, "tables_initializer"):
            sess.run(tf.tables_initializer())
        sess.run(init)
        v = sess.run(inputs)
        lv = sess.run(logits)
    linear_vars = sorted(x.op.name for x in tf.global_variables()
                         if x.op.name.startswith("linear_model"))
    return {"inputs": [[int(i) for i in np.flatnonzero(row)] for row in v],
            "linear_variables": linear_vars, "logits_sum": float(np.sum(lv))}
