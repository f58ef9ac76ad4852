"""The TF Wide & Deep tutorial: tensorflow/models ``official/wide_deep/wide_deep.py``
(commit 04132c8698addc305e5875bcb32901545268b318). ``build_model_columns``: vocabulary
lists, a 1000-bucket hashed ``occupation``, ``bucketized_column`` ages, two
``crossed_column``s (one crossing a bucketized column), ``indicator_column``s and an
8-wide ``embedding_column``; ``build_estimator`` makes a
``DNNLinearCombinedClassifier`` (hidden units 100, 75, 50, 25; default Ftrl and Adagrad)
with a ``RunConfig().replace(session_config=ConfigProto(device_count={'GPU': 0}))``;
``input_fn``: ``TextLineDataset`` -> ``map(decode_csv ...)`` (the label
``tf.equal(labels, '>50K')``) -> ``repeat`` -> ``batch(40)``; train then evaluate every
``epochs_between_evals`` epochs.

Changes: the census download (``data_download.py``) is 400 + 200 seeded census-shaped
CSV rows in a temporary directory (``census_csv``); 2 epochs instead of 40, evaluated
after each; no training shuffle (TF's shuffle buffer draws from its own random stream);
the flags parser and ``hooks_helper``'s logging hook are left out (flag values inlined);
the weights start from the same draw (``same_start``, a hook on the first ``train``)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"accuracy": 1e-5, "auc": 1e-5, "loss": 1e-5, "average_loss": 1e-5,
           "prediction_mean": 1e-5, "first_accuracy": 1e-5, "global_step": 0.0,
           "metric_keys": 0.0}

_CSV_COLUMNS = [
    'age', 'workclass', 'fnlwgt', 'education', 'education_num',
    'marital_status', 'occupation', 'relationship', 'race', 'gender',
    'capital_gain', 'capital_loss', 'hours_per_week', 'native_country',
    'income_bracket'
]

_CSV_COLUMN_DEFAULTS = [[0], [''], [0], [''], [0], [''], [''], [''], [''], [''],
                        [0], [0], [0], [''], ['']]

_EDUCATION = ['Bachelors', 'HS-grad', '11th', 'Masters', '9th', 'Some-college',
              'Assoc-acdm', 'Assoc-voc', '7th-8th', 'Doctorate', 'Prof-school',
              '5th-6th', '10th', '1st-4th', 'Preschool', '12th']
_MARITAL = ['Married-civ-spouse', 'Divorced', 'Married-spouse-absent', 'Never-married',
            'Separated', 'Married-AF-spouse', 'Widowed']
_RELATIONSHIP = ['Husband', 'Not-in-family', 'Wife', 'Own-child', 'Unmarried',
                 'Other-relative']
_WORKCLASS = ['Self-emp-not-inc', 'Private', 'State-gov', 'Federal-gov', 'Local-gov', '?',
              'Self-emp-inc', 'Without-pay', 'Never-worked']
_OCCUPATION = ['Tech-support', 'Craft-repair', 'Other-service', 'Sales',
               'Exec-managerial', 'Prof-specialty', 'Handlers-cleaners',
               'Machine-op-inspct', 'Adm-clerical', 'Farming-fishing', 'Transport-moving',
               'Priv-house-serv', 'Protective-serv', 'Armed-Forces']


def census_csv(directory, seed=0):
    """``adult.data`` / ``adult.test`` as ``data_download.py`` leaves them (no spaces
    after commas, no trailing dots): 400 and 200 rows of seeded census-shaped values,
    the label leaning on education, age, hours and capital gain."""
    rng = np.random.RandomState(seed)
    paths = []
    for name, n in (('adult.data', 400), ('adult.test', 200)):
        lines = []
        for _ in range(n):
            age = int(rng.randint(17, 80))
            edu = int(rng.randint(len(_EDUCATION)))
            hours = int(rng.randint(10, 70))
            gain = int(rng.choice([0, 0, 0, 2000, 15000]))
            score = 0.08 * (16 - edu) + 0.03 * (age - 40) + 0.04 * (hours - 40) \
                + gain / 8000 + rng.normal(0, 0.8)
            row = [age, rng.choice(_WORKCLASS), int(rng.randint(20000, 400000)),
                   _EDUCATION[edu], 16 - edu, rng.choice(_MARITAL), rng.choice(_OCCUPATION),
                   rng.choice(_RELATIONSHIP), rng.choice(['White', 'Black', 'Other']),
                   rng.choice(['Male', 'Female']), gain, int(rng.choice([0, 0, 1500])),
                   hours, rng.choice(['United-States', 'Mexico', 'India']),
                   '>50K' if score > 0.5 else '<=50K']
            lines.append(','.join(str(v) for v in row))
        path = os.path.join(directory, name)
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        paths.append(path)
    return paths


def main(tf):
    train_epochs, epochs_between_evals, batch_size = 2, 1, 40
    data_dir = tempfile.mkdtemp()
    train_file, test_file = census_csv(data_dir)

    def build_model_columns():
        age = tf.feature_column.numeric_column('age')
        education_num = tf.feature_column.numeric_column('education_num')
        capital_gain = tf.feature_column.numeric_column('capital_gain')
        capital_loss = tf.feature_column.numeric_column('capital_loss')
        hours_per_week = tf.feature_column.numeric_column('hours_per_week')
        education = tf.feature_column.categorical_column_with_vocabulary_list(
            'education', _EDUCATION)
        marital_status = tf.feature_column.categorical_column_with_vocabulary_list(
            'marital_status', _MARITAL)
        relationship = tf.feature_column.categorical_column_with_vocabulary_list(
            'relationship', _RELATIONSHIP)
        workclass = tf.feature_column.categorical_column_with_vocabulary_list(
            'workclass', _WORKCLASS)
        occupation = tf.feature_column.categorical_column_with_hash_bucket(
            'occupation', hash_bucket_size=1000)
        age_buckets = tf.feature_column.bucketized_column(
            age, boundaries=[18, 25, 30, 35, 40, 45, 50, 55, 60, 65])
        base_columns = [
            education, marital_status, relationship, workclass, occupation,
            age_buckets,
        ]
        crossed_columns = [
            tf.feature_column.crossed_column(
                ['education', 'occupation'], hash_bucket_size=1000),
            tf.feature_column.crossed_column(
                [age_buckets, 'education', 'occupation'], hash_bucket_size=1000),
        ]
        wide_columns = base_columns + crossed_columns
        deep_columns = [
            age,
            education_num,
            capital_gain,
            capital_loss,
            hours_per_week,
            tf.feature_column.indicator_column(workclass),
            tf.feature_column.indicator_column(education),
            tf.feature_column.indicator_column(marital_status),
            tf.feature_column.indicator_column(relationship),
            tf.feature_column.embedding_column(occupation, dimension=8),
        ]
        return wide_columns, deep_columns

    def build_estimator(model_dir, model_type):
        wide_columns, deep_columns = build_model_columns()
        hidden_units = [100, 75, 50, 25]
        run_config = tf.estimator.RunConfig().replace(
            session_config=tf.ConfigProto(device_count={'GPU': 0}))
        if model_type == 'wide':
            return tf.estimator.LinearClassifier(
                model_dir=model_dir, feature_columns=wide_columns, config=run_config)
        elif model_type == 'deep':
            return tf.estimator.DNNClassifier(
                model_dir=model_dir, feature_columns=deep_columns,
                hidden_units=hidden_units, config=run_config)
        else:
            return tf.estimator.DNNLinearCombinedClassifier(
                model_dir=model_dir,
                linear_feature_columns=wide_columns,
                dnn_feature_columns=deep_columns,
                dnn_hidden_units=hidden_units,
                config=run_config)

    def input_fn(data_file, num_epochs, shuffle, batch_size):
        assert tf.gfile.Exists(data_file), f'{data_file} not found.'

        def parse_csv(value):
            columns = tf.decode_csv(value, record_defaults=_CSV_COLUMN_DEFAULTS)
            features = dict(zip(_CSV_COLUMNS, columns))
            labels = features.pop('income_bracket')
            return features, tf.equal(labels, '>50K')

        dataset = tf.data.TextLineDataset(data_file)
        dataset = dataset.map(parse_csv, num_parallel_calls=5)
        dataset = dataset.repeat(num_epochs)
        dataset = dataset.batch(batch_size)
        return dataset

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            if session.run(tf.train.get_global_step()) == 0:
                same_start(session, tf)

    model = build_estimator(tempfile.mkdtemp(), 'wide_deep')
    evaluations = []
    for _ in range(train_epochs // epochs_between_evals):
        model.train(input_fn=lambda: input_fn(train_file, epochs_between_evals, False,
                                              batch_size), hooks=[SameStart()])
        evaluations.append(model.evaluate(input_fn=lambda: input_fn(
            test_file, 1, False, batch_size)))
    results = evaluations[-1]
    return {"accuracy": float(results["accuracy"]), "auc": float(results["auc"]),
            "loss": float(results["loss"]), "average_loss": float(results["average_loss"]),
            "prediction_mean": float(results["prediction/mean"]),
            "first_accuracy": float(evaluations[0]["accuracy"]),
            "global_step": [int(results["global_step"])], "metric_keys": sorted(results)}
