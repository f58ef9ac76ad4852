"""The TF 1.13-1.15 "Load CSV data" tutorial (``tutorials/load_data/csv``, the Titanic
data): ``tf.data.experimental.make_csv_dataset(file_path, batch_size=12,
label_name='survived', na_value='?', num_epochs=1, ignore_errors=True)`` for the
training and test files, the tutorial's feature columns (``categorical_column_with_
vocabulary_list`` for sex, class, deck, embark_town and alone wrapped in
``indicator_column``; ``numeric_column`` for age, n_siblings_spouses, parch and fare
with a ``normalizer_fn`` centring on the training means), and its model (two 128-unit
relu layers, one sigmoid unit, binary cross-entropy, Adam). Run in graph mode as a TF1
program: ``tf.feature_column.input_layer`` over the columns, a ``tf.Session`` loop over
an initializable iterator restarted per epoch until ``OutOfRangeError``, and
``tf.metrics.accuracy`` on the test file read with ``tf.data.experimental.CsvDataset``
(typed ``record_defaults``, ``header=True``).

Adapted: the two CSV downloads are written to a temporary directory (seeded rows with
the tutorial's columns and vocabularies, a few ``?`` ages for ``na_value``); the
``shuffle`` of ``make_csv_dataset`` is turned off (its order is backend-specific);
3 epochs instead of 20; the same starting weights on both backends."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_loss": 1e-4, "test_accuracy": 1e-6, "test_loss": 1e-4,
           "batches_per_epoch": 0.0, "first_batch": 0.0, "age_mean": 1e-6}

CSV_COLUMNS = ["survived", "sex", "age", "n_siblings_spouses", "parch", "fare", "class",
               "deck", "embark_town", "alone"]
CATEGORIES = {
    "sex": ["male", "female"],
    "class": ["First", "Second", "Third"],
    "deck": ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"],
    "embark_town": ["Cherbourg", "Southhampton", "Queenstown"],
    "alone": ["y", "n"],
}
NUMERIC = ["age", "n_siblings_spouses", "parch", "fare"]


def write_titanic(path: str, rows: int, seed: int, bad: bool = False) -> None:
    """Seeded rows with the tutorial's columns; survival depends on sex, class and age.
    ``bad``: a truncated record and one with a field too many, after the rows read for
    type inference (``make_csv_dataset``'s ``ignore_errors`` drops them)."""
    rng = np.random.RandomState(seed)
    lines = [",".join(CSV_COLUMNS)]
    for _ in range(rows):
        sex = rng.choice(CATEGORIES["sex"])
        cls = rng.choice(CATEGORIES["class"], p=[0.25, 0.2, 0.55])
        age = rng.randint(1, 70)
        sib, parch = rng.randint(0, 4), rng.randint(0, 3)
        fare = round(float(rng.gamma(2.0, 15.0)), 4)
        deck = rng.choice(["unknown"] + CATEGORIES["deck"][:7])
        town = rng.choice(CATEGORIES["embark_town"])
        alone = "y" if sib + parch == 0 else "n"
        score = (1.2 * (sex == "female") - 0.5 * CATEGORIES["class"].index(cls)
                 - 0.01 * age + rng.normal(0, 0.5))
        survived = int(score > 0.0)
        age_text = "?" if rng.rand() < 0.05 else f"{age:.1f}"
        lines.append(f"{survived},{sex},{age_text},{sib},{parch},{fare},{cls},{deck},"
                     f"{town},{alone}")
    if bad:
        lines.insert(150, "1,female,38.0,1,0")
        lines.insert(200, lines[199] + ",extra")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(tf):
    data_dir = tempfile.mkdtemp()
    train_file_path = os.path.join(data_dir, "train.csv")
    test_file_path = os.path.join(data_dir, "eval.csv")
    write_titanic(train_file_path, 240, seed=1, bad=True)
    write_titanic(test_file_path, 96, seed=2)

    LABEL_COLUMN = "survived"

    def get_dataset(file_path):
        dataset = tf.data.experimental.make_csv_dataset(
            file_path,
            batch_size=12,  # Artificially small to make examples easier to show.
            label_name=LABEL_COLUMN,
            na_value="?",
            num_epochs=1,
            shuffle=False,
            ignore_errors=True)
        return dataset

    raw_train_data = get_dataset(train_file_path)

    categorical_columns = []
    for feature, vocab in CATEGORIES.items():
        cat_col = tf.feature_column.categorical_column_with_vocabulary_list(
            key=feature, vocabulary_list=vocab)
        categorical_columns.append(tf.feature_column.indicator_column(cat_col))

    MEANS = {"age": 29.631308, "n_siblings_spouses": 0.545455, "parch": 0.379585,
             "fare": 34.385399}

    def process_continuous_data(mean, data):
        # Normalize data
        data = tf.cast(data, tf.float32) * 1 / (2 * mean)
        return tf.reshape(data, [-1, 1])

    numerical_columns = []
    for feature in NUMERIC:
        num_col = tf.feature_column.numeric_column(
            feature, normalizer_fn=lambda x, m=MEANS[feature]: process_continuous_data(m, x))
        numerical_columns.append(num_col)
    preprocessing_columns = categorical_columns + numerical_columns

    iterator = raw_train_data.make_initializable_iterator()
    features, labels = iterator.get_next()
    net = tf.feature_column.input_layer(features, preprocessing_columns)
    net = tf.layers.dense(net, 128, activation=tf.nn.relu)
    net = tf.layers.dense(net, 128, activation=tf.nn.relu)
    logits = tf.layers.dense(net, 1)
    y = tf.cast(tf.reshape(labels, [-1, 1]), tf.float32)
    loss = tf.losses.sigmoid_cross_entropy(y, logits)
    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)
    age_batch = features["age"]

    # The test file through CsvDataset: typed defaults, the header skipped.
    defaults = [tf.constant([], tf.int32), "", tf.constant([0.0]), 0, 0, 0.0, "", "", "",
                ""]
    test_rows = tf.data.experimental.CsvDataset(test_file_path, defaults, header=True,
                                                na_value="?")

    def to_features(*row):
        return dict(zip(CSV_COLUMNS[1:], row[1:])), row[0]

    test_data = test_rows.map(to_features).batch(32)
    test_iterator = test_data.make_initializable_iterator()
    test_features, test_labels = test_iterator.get_next()
    with tf.variable_scope("", reuse=True):
        tnet = tf.feature_column.input_layer(test_features, preprocessing_columns)
        tnet = tf.layers.dense(tnet, 128, activation=tf.nn.relu, name="dense")
        tnet = tf.layers.dense(tnet, 128, activation=tf.nn.relu, name="dense_1")
        test_logits = tf.layers.dense(tnet, 1, name="dense_2")
    test_y = tf.cast(tf.reshape(test_labels, [-1, 1]), tf.float32)
    predictions = tf.cast(test_logits > 0.0, tf.float32)
    accuracy, accuracy_update = tf.metrics.accuracy(test_y, predictions)
    test_loss, test_loss_update = tf.metrics.mean(
        tf.losses.sigmoid_cross_entropy(test_y, test_logits,
                                        loss_collection=None))

    batches_per_epoch, ages = [], []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer(),
                  tf.tables_initializer()])
        same_start(sess, tf, biases=True)
        for epoch in range(3):
            sess.run(iterator.initializer)
            batches = 0
            while True:
                try:
                    _, loss_value, age_value = sess.run([train_op, loss, age_batch])
                    if epoch == 0:
                        ages.append(age_value)
                    batches += 1
                except tf.errors.OutOfRangeError:
                    break
            batches_per_epoch.append(batches)
        sess.run(test_iterator.initializer)
        while True:
            try:
                sess.run([accuracy_update, test_loss_update])
            except tf.errors.OutOfRangeError:
                break
        acc, tloss = sess.run([accuracy, test_loss])
        sess.run(iterator.initializer)
        first = sess.run(features)
    first_batch = [first["sex"][:4].astype(str).tolist(), first["age"][:4].tolist(),
                   first["n_siblings_spouses"][:4].tolist()]
    age_mean = float(np.mean(np.concatenate(ages)))
    return {"train_loss": float(loss_value), "test_accuracy": float(acc),
            "test_loss": float(tloss), "batches_per_epoch": batches_per_epoch,
            "first_batch": first_batch, "age_mean": age_mean}
