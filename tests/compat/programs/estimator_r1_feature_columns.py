"""TensorFlow's TF1 guide "Feature Columns" (tensorflow/docs, ``site/en/r1/guide/
feature_columns.md``), every column the page builds, in its order: ``numeric_column``
(default, ``float64``, ``shape=10``, ``shape=[10, 5]``), ``bucketized_column`` on the
years 1960/1980/2000, ``categorical_column_with_identity`` (``num_buckets=4``, with the
page's ``input_fn`` features), ``categorical_column_with_vocabulary_list`` and
``_with_vocabulary_file`` (``product_class.txt``), ``categorical_column_with_hash_bucket``
(100 buckets), bucketized latitude/longitude crossed into 5000 hash bins and trained by
``tf.estimator.LinearRegressor`` on a ``make_dataset`` dataset, ``indicator_column`` and
``embedding_column`` (``dimension = 81 ** 0.25``).

Adapted: each column is shown through ``tf.feature_column.input_layer`` (dense ones) or
``indicator_column`` (categorical ones) on a few made-up rows, as the page's "Other
Sources" low-level guide does; the page's ``atlanta`` grid is a synthetic 10x10 grid of
prices with 4 edges per axis; the vocabulary file is written to a temporary directory;
the regressor's ``...`` is ``model_dir`` (temporary) and 20 training steps; the
embedding table is overwritten with fixed values after initialisation (its default
initializer draws random numbers); the regressor's checkpoint names are compared
without its Ftrl slots (TF 2.15.1 names them ``.../weights/part_0/Ftrl``, trainkit
``.../weights/Ftrl``: a known difference). Recorded with TF 2.15.1 (no
``tf.estimator`` after)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

COMPARE = {"numeric": 0.0, "bucketized": 0.0, "identity": 0.0, "vocabulary": 0.0,
           "hashed": 0.0, "crossed": 0.0, "embedding": 1e-6, "shapes": 0.0,
           "regressor_loss": 1e-5, "regressor_weights": 1e-5, "global_step": 0.0}


def _dense(tf, features, columns):
    with tf.Graph().as_default():
        inputs = tf.feature_column.input_layer(features, columns)
        with tf.Session() as sess:
            sess.run((tf.global_variables_initializer(), tf.tables_initializer()))
            return sess.run(inputs).tolist()


def main(tf):
    out = {}
    root = tempfile.mkdtemp()

    # Defaults to a tf.float32 scalar.
    numeric_feature_column = tf.feature_column.numeric_column(key="SepalLength")
    numeric = [_dense(tf, {"SepalLength": [[5.1], [4.9]]}, [numeric_feature_column])]
    # Represent a tf.float64 scalar.
    numeric_feature_column = tf.feature_column.numeric_column(key="SepalLength",
                                                              dtype=tf.float64)
    numeric.append(numeric_feature_column.dtype.name)
    # Represent a 10-element vector in which each cell contains a tf.float32.
    vector_feature_column = tf.feature_column.numeric_column(key="Bowling",
                                                             shape=10)
    # Represent a 10x5 matrix in which each cell contains a tf.float32.
    matrix_feature_column = tf.feature_column.numeric_column(key="MyMatrix",
                                                             shape=[10, 5])
    features = {"Bowling": np.arange(20, dtype=np.float32).reshape(2, 10),
                "MyMatrix": np.arange(100, dtype=np.float32).reshape(2, 10, 5)}
    flat = np.array(_dense(tf, features, [vector_feature_column, matrix_feature_column]))
    numeric += [list(flat.shape), float(flat[:, 9:12].sum())]
    out["numeric"] = numeric

    # First, convert the raw input to a numeric column.
    numeric_feature_column = tf.feature_column.numeric_column("Year")
    # Then, bucketize the numeric column on the years 1960, 1980, and 2000.
    bucketized_feature_column = tf.feature_column.bucketized_column(
        source_column=numeric_feature_column,
        boundaries=[1960, 1980, 2000])
    out["bucketized"] = _dense(tf, {"Year": [[1950.], [1960.], [1985.], [2000.], [2019.]]},
                               [bucketized_feature_column])

    identity_feature_column = tf.feature_column.categorical_column_with_identity(
        key='my_feature_b',
        num_buckets=4)  # Values [0, 4)

    def input_fn():
        return ({'my_feature_a': [7, 9, 5, 2], 'my_feature_b': [3, 1, 2, 2]},
                [0.0, 1.0, 0.0, 1.0])

    features, _ = input_fn()
    out["identity"] = _dense(tf, {"my_feature_b": [[v] for v in features["my_feature_b"]]},
                             [tf.feature_column.indicator_column(identity_feature_column)])

    feature_name_from_input_fn = "product_class"
    vocabulary_feature_column = \
        tf.feature_column.categorical_column_with_vocabulary_list(
            key=feature_name_from_input_fn,
            vocabulary_list=["kitchenware", "electronics", "sports"])
    product_class_txt = os.path.join(root, "product_class.txt")
    with open(product_class_txt, "w") as f:
        f.write("kitchenware\nelectronics\nsports\n")
    vocabulary_file_column = \
        tf.feature_column.categorical_column_with_vocabulary_file(
            key=feature_name_from_input_fn,
            vocabulary_file=product_class_txt,
            vocabulary_size=3)
    products = {"product_class": [["sports"], ["kitchenware"], ["toys"], ["electronics"]]}
    out["vocabulary"] = [
        _dense(tf, products, [tf.feature_column.indicator_column(vocabulary_feature_column)]),
        _dense(tf, products, [tf.feature_column.indicator_column(vocabulary_file_column)])]

    hashed_feature_column = \
        tf.feature_column.categorical_column_with_hash_bucket(
            key="some_feature",
            hash_bucket_size=100)  # The number of categories
    hashed = _dense(tf, {"some_feature": [["kitchenware"], ["electronics"], ["sports"],
                                          ["dog"]]},
                    [tf.feature_column.indicator_column(hashed_feature_column)])
    out["hashed"] = [int(np.argmax(r)) for r in hashed]

    def make_dataset(latitude, longitude, labels):
        assert latitude.shape == longitude.shape == labels.shape

        features = {'latitude': latitude.flatten(),
                    'longitude': longitude.flatten()}
        labels = labels.flatten()

        return tf.data.Dataset.from_tensor_slices((features, labels))

    lat_edges = [33.70, 33.75, 33.80, 33.85]
    lon_edges = [-84.50, -84.45, -84.40, -84.35]
    latitude, longitude = np.meshgrid(np.linspace(33.65, 33.90, 10, dtype=np.float32),
                                      np.linspace(-84.55, -84.30, 10, dtype=np.float32))
    labels = np.float32(1.0 + 2.0 * (latitude > 33.78) - 1.5 * (longitude > -84.42)
                        + 0.5 * ((latitude > 33.78) & (longitude > -84.42)))

    # Bucketize the latitude and longitude using the `edges`
    latitude_bucket_fc = tf.feature_column.bucketized_column(
        tf.feature_column.numeric_column('latitude'),
        lat_edges)

    longitude_bucket_fc = tf.feature_column.bucketized_column(
        tf.feature_column.numeric_column('longitude'),
        lon_edges)

    # Cross the bucketized columns, using 5000 hash bins.
    crossed_lat_lon_fc = tf.feature_column.crossed_column(
        [latitude_bucket_fc, longitude_bucket_fc], 5000)

    fc = [
        latitude_bucket_fc,
        longitude_bucket_fc,
        crossed_lat_lon_fc]

    crossed = _dense(tf, {"latitude": latitude.flatten()[::11, None],
                          "longitude": longitude.flatten()[::11, None]},
                     [tf.feature_column.indicator_column(crossed_lat_lon_fc)])
    out["crossed"] = [int(np.argmax(r)) for r in crossed]

    # Build and train the Estimator.
    est = tf.estimator.LinearRegressor(fc, model_dir=os.path.join(root, "linear"))
    est.train(lambda: make_dataset(latitude, longitude, labels).batch(25).repeat(),
              steps=20)
    metrics = est.evaluate(lambda: make_dataset(latitude, longitude, labels).batch(100))
    out["regressor_loss"] = float(metrics["average_loss"])
    out["global_step"] = [int(metrics["global_step"])]
    names = est.get_variable_names()
    out["regressor_weights"] = float(sum(np.sum(np.abs(est.get_variable_value(n)))
                                         for n in names if n.endswith("weights")))

    categorical_column = vocabulary_feature_column
    # Represent the categorical column as an indicator column.
    indicator_column = tf.feature_column.indicator_column(categorical_column)
    embedding_dimensions = int(round(81 ** 0.25))
    # Represent the categorical column as an embedding column.
    embedding_column = tf.feature_column.embedding_column(
        categorical_column=categorical_column,
        dimension=embedding_dimensions)
    with tf.Graph().as_default():
        inputs = tf.feature_column.input_layer(products, [indicator_column, embedding_column])
        with tf.Session() as sess:
            sess.run((tf.global_variables_initializer(), tf.tables_initializer()))
            table = [v for v in tf.global_variables() if "embedding_weights" in v.name][0]
            table.load(np.arange(9, dtype=np.float32).reshape(3, 3) / 4, sess)
            values = sess.run(inputs)
        out["shapes"] = [table.shape.as_list(), inputs.shape.as_list(),
                         sorted(n for n in names if "Ftrl" not in n)]
    out["embedding"] = float(np.sum(values * np.arange(1, 7)))
    return out
