"""The TF 1.15 / 2.0 "Classify structured data" tutorial
(``tensorflow/docs``, ``site/en/r2/tutorials/keras/feature_columns.ipynb``, on
tensorflow.org as ``tutorials/keras/feature_columns`` and then
``tutorials/structured_data/feature_columns``): the Cleveland heart-disease CSV in a
DataFrame, split into train/validation/test, ``df_to_dataset`` making
``tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))`` batches; the
``demo()`` of each kind of column through ``layers.DenseFeatures`` (numeric, bucketized
age, ``thal`` one-hot from a vocabulary list, its embedding, a hashed column, the cross of
age buckets and thal); then the seven numeric columns, the age buckets, thal's one-hot and
embedding and the crossed indicator in ``tf.keras.layers.DenseFeatures(feature_columns)``
before ``Dense(128, relu)`` twice and ``Dense(1, sigmoid)``, compiled with ``'adam'``,
``'binary_crossentropy'`` and ``['accuracy']``, ``fit(train_ds, validation_data=val_ds,
epochs=5)`` and ``evaluate(test_ds)``.

Adapted: the CSV download and pandas/sklearn are replaced by 303 generated rows of
heart.csv's columns and types (13 integer or float features, ``thal`` a string with the
file's two odd values ``'1'`` and ``'2'``, integer ``target``) held as a dict of column
arrays (what ``dict(dataframe)`` gives), and ``train_test_split`` by an in-order split of
the same sizes (193/49/61); the datasets are not shuffled (the backends' shuffles
differ); TF1 graph mode: ``next(iter(train_ds))`` and ``.numpy()`` become a one-shot
iterator and session runs, and, as TF 1.14/1.15 programs had to (graph-mode Keras does not
initialize lookup tables, tensorflow#30307), the vocabulary tables are initialized by
hand, for the model in a ``LambdaCallback(on_train_begin=...)`` that also gives both
backends the same starting weights (seeded Glorot draws, zero biases); ``verbose=0``;
the demo outputs (the embedding's only as its shape and distinct rows: its table is
random), the history per epoch and the test numbers are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import keras_same_start

# The tutorial feeds the raw columns (chol up to ~560) to Dense(128, relu): float32
# rounding differences between the backends grow to a few 1e-4 over the 35 Adam steps
# (the accuracies stay equal), hence 1e-3 on the losses.
COMPARE = {"features": 0, "demo_age": 1e-6, "demo_age_buckets": 0, "demo_thal_one_hot": 0,
           "demo_thal_embedding": 0, "demo_thal_hashed": 0, "demo_crossed": 0,
           "test_loss": 1e-3, "test_accuracy": 1e-6, "params": 0}
COMPARE.update({f"{key}_{epoch}": tol for epoch in range(1, 6) for key, tol in (
    ("loss", 1e-3), ("accuracy", 1e-6), ("val_loss", 1e-3), ("val_accuracy", 1e-6))})


def heart_csv(n=303, seed=0):
    """heart.csv's columns without the download: ``dict(pd.read_csv(URL))``'s form, a
    dict of column arrays (int64, float64 ``oldpeak``, str ``thal``), rows drawn from a
    seeded RandomState in the real columns' ranges; ``target`` rises with age, chest
    pain, ``oldpeak`` and a reversible ``thal``."""
    rng = np.random.RandomState(seed)
    age = rng.randint(29, 78, n)
    cp = rng.randint(0, 5, n)
    oldpeak = np.round(rng.gamma(1.2, 0.9, n), 1)
    thal = rng.choice(["fixed", "normal", "reversible"], n, p=[0.1, 0.5, 0.4])
    thal[[40, 205]] = ["1", "2"]
    score = (age - 54) / 9.0 + 0.5 * cp + oldpeak - 1.0 + 1.5 * (thal == "reversible")
    target = (score + rng.normal(0, 1.0, n) > 0.5).astype(np.int64)
    return {"age": age.astype(np.int64), "sex": rng.randint(0, 2, n).astype(np.int64),
            "cp": cp.astype(np.int64), "trestbps": rng.randint(94, 201, n).astype(np.int64),
            "chol": rng.randint(126, 565, n).astype(np.int64),
            "fbs": (rng.uniform(size=n) < 0.15).astype(np.int64),
            "restecg": rng.randint(0, 3, n).astype(np.int64),
            "thalach": rng.randint(71, 203, n).astype(np.int64),
            "exang": rng.randint(0, 2, n).astype(np.int64), "oldpeak": oldpeak,
            "slope": rng.randint(1, 4, n).astype(np.int64),
            "ca": rng.randint(0, 4, n).astype(np.int64), "thal": thal, "target": target}


def train_test_split(dataframe, test_size):
    """sklearn's split sizes (the test part rounded up), in order."""
    n = len(dataframe["target"])
    n_test = int(np.ceil(test_size * n))
    return ({k: v[:n - n_test] for k, v in dataframe.items()},
            {k: v[n - n_test:] for k, v in dataframe.items()})


def main(tf):
    feature_column = tf.feature_column
    layers = tf.keras.layers
    out = {}

    dataframe = heart_csv()
    train, test = train_test_split(dataframe, test_size=0.2)
    train, val = train_test_split(train, test_size=0.2)

    # A utility method to create a tf.data dataset from a Pandas Dataframe
    def df_to_dataset(dataframe, shuffle=True, batch_size=32):
        dataframe = dict(dataframe)
        labels = dataframe.pop('target')
        ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
        if shuffle:
            ds = ds.shuffle(buffer_size=len(labels))
        ds = ds.batch(batch_size)
        return ds

    batch_size = 5  # A small batch sized is used for demonstration purposes
    train_ds = df_to_dataset(train, shuffle=False, batch_size=batch_size)

    sess = tf.keras.backend.get_session()
    feature_batch, label_batch = sess.run(train_ds.make_one_shot_iterator().get_next())
    out["features"] = sorted(feature_batch.keys())

    # We will use this batch to demonstrate several types of feature columns
    example_batch = feature_batch

    # A utility method to create a feature column
    # and to transform a batch of data
    def demo(feature_column):
        feature_layer = layers.DenseFeatures(feature_column)
        output = feature_layer(example_batch)
        sess = tf.keras.backend.get_session()
        sess.run(tf.tables_initializer())
        return sess.run(output)

    age = feature_column.numeric_column("age")
    out["demo_age"] = [float(v) for v in demo(age).ravel()]

    age_buckets = feature_column.bucketized_column(
        age, boundaries=[18, 25, 30, 35, 40, 45, 50, 55, 60, 65])
    out["demo_age_buckets"] = [int(i) for i in np.argmax(demo(age_buckets), 1)]

    thal = feature_column.categorical_column_with_vocabulary_list(
        'thal', ['fixed', 'normal', 'reversible'])
    thal_one_hot = feature_column.indicator_column(thal)
    out["demo_thal_one_hot"] = demo(thal_one_hot).astype(int).tolist()

    # Notice the input to the embedding column is the categorical column
    # we previously created
    thal_embedding = feature_column.embedding_column(thal, dimension=8)
    emb = demo(thal_embedding)
    out["demo_thal_embedding"] = [list(emb.shape), len(np.unique(emb, axis=0))]

    thal_hashed = feature_column.categorical_column_with_hash_bucket(
        'thal', hash_bucket_size=1000)
    out["demo_thal_hashed"] = [int(i) for i in np.argmax(
        demo(feature_column.indicator_column(thal_hashed)), 1)]

    crossed_feature = feature_column.crossed_column([age_buckets, thal],
                                                    hash_bucket_size=1000)
    out["demo_crossed"] = [int(i) for i in np.argmax(
        demo(feature_column.indicator_column(crossed_feature)), 1)]

    feature_columns = []

    # numeric cols
    for header in ['age', 'trestbps', 'chol', 'thalach', 'oldpeak', 'slope', 'ca']:
        feature_columns.append(feature_column.numeric_column(header))

    # bucketized cols
    age_buckets = feature_column.bucketized_column(
        age, boundaries=[18, 25, 30, 35, 40, 45, 50, 55, 60, 65])
    feature_columns.append(age_buckets)

    # indicator cols
    thal = feature_column.categorical_column_with_vocabulary_list(
        'thal', ['fixed', 'normal', 'reversible'])
    thal_one_hot = feature_column.indicator_column(thal)
    feature_columns.append(thal_one_hot)

    # embedding cols
    thal_embedding = feature_column.embedding_column(thal, dimension=8)
    feature_columns.append(thal_embedding)

    # crossed cols
    crossed_feature = feature_column.crossed_column([age_buckets, thal],
                                                    hash_bucket_size=1000)
    crossed_feature = feature_column.indicator_column(crossed_feature)
    feature_columns.append(crossed_feature)

    feature_layer = tf.keras.layers.DenseFeatures(feature_columns)

    batch_size = 32
    train_ds = df_to_dataset(train, shuffle=False, batch_size=batch_size)
    val_ds = df_to_dataset(val, shuffle=False, batch_size=batch_size)
    test_ds = df_to_dataset(test, shuffle=False, batch_size=batch_size)

    model = tf.keras.Sequential([
        feature_layer,
        layers.Dense(128, activation='relu'),
        layers.Dense(128, activation='relu'),
        layers.Dense(1, activation='sigmoid')
    ])

    model.compile(optimizer='adam',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])

    def initialize(logs):
        tf.keras.backend.get_session().run(tf.tables_initializer())
        keras_same_start(model)

    history = model.fit(train_ds,
                        validation_data=val_ds,
                        epochs=5, verbose=0,
                        callbacks=[tf.keras.callbacks.LambdaCallback(
                            on_train_begin=initialize)])

    loss, accuracy = model.evaluate(test_ds, verbose=0)
    out["test_loss"], out["test_accuracy"] = float(loss), float(accuracy)
    out["params"] = [layer.count_params() for layer in model.layers]
    hist = history.history
    for key, name in (("loss", "loss"), ("accuracy", "acc"), ("val_loss", "val_loss"),
                      ("val_accuracy", "val_acc")):
        values = hist[name] if name in hist else hist[key]
        for epoch, v in enumerate(values):
            out[f"{key}_{epoch + 1}"] = float(v)
    return out
