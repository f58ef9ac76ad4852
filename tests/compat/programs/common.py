"""What the compat programs share: MNIST-shaped data from the bundled digits and the
same starting weights on both backends. Imports no TF library (runs under either)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

_DIGITS = Path(__file__).resolve().parents[3] / "trainkit" / "data" / "datasets" / "digits.npz"


class DataSet:
    """``input_data``'s ``DataSet``: ``images``, ``labels``, ``next_batch`` (in order,
    wrapping at the end of an epoch; the tutorials' shuffle is left out so both backends
    see the same batches)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray):
        self.images = images
        self.labels = labels
        self.num_examples = len(images)
        self._pos = 0

    def next_batch(self, batch_size: int, fake_data: bool = False,
                   shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The next ``batch_size`` examples in order (``shuffle`` is accepted and
        ignored, as said above; ``fake_data`` must be False: there are no fake images)."""
        if fake_data:
            raise ValueError("next_batch: fake_data=True is not supported by the bundled data")
        idx = (self._pos + np.arange(batch_size)) % self.num_examples
        self._pos = (self._pos + batch_size) % self.num_examples
        return self.images[idx], self.labels[idx]


class Datasets:
    def __init__(self, train: DataSet, test: DataSet):
        self.train = train
        self.test = test
        self.validation = test


def read_data_sets(train_dir: str = "", fake_data: bool = False,
                   one_hot: bool = False) -> Datasets:
    """``input_data.read_data_sets``'s signature (``fake_data`` must be False) with
    MNIST's shapes (784 floats in [0, 1], 10 classes) from the bundled 8×8 digits:
    each pixel becomes a 3×3 block and a 2-pixel border is added. First 1400 images for
    training, the rest for testing."""
    if fake_data:
        raise ValueError("read_data_sets: fake_data=True is not supported by the bundled data")
    with np.load(_DIGITS, allow_pickle=False) as f:
        images, labels = f["images"].astype(np.float32) / 16.0, f["labels"].astype(np.int64)
    big = np.kron(images.reshape(-1, 8, 8), np.ones((3, 3), np.float32))
    big = np.pad(big, ((0, 0), (2, 2), (2, 2))).reshape(-1, 784)
    y = np.eye(10, dtype=np.float32)[labels] if one_hot else labels
    return Datasets(DataSet(big[:1400], y[:1400]), DataSet(big[1400:], y[1400:]))


def load_digits() -> Any:
    """``sklearn.datasets.load_digits()``'s ``data`` (1797 x 64 float64 pixels, 0-16) and
    ``target`` (ints 0-9), from the bundled copy of that data set (no sklearn needed)."""
    from types import SimpleNamespace

    with np.load(_DIGITS, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    return SimpleNamespace(data=images.reshape(-1, 64).astype(np.float64),
                           target=labels.astype(np.int64))


def same_start(sess: Any, tf: Any, seed: int = 0, biases: bool = False) -> None:
    """Gives every trainable variable of 2 or more dimensions a Glorot-uniform NumPy draw
    (and 1-D ones zeros when ``biases``), so TF and trainkit start from the same weights."""
    rng = np.random.RandomState(seed)
    for v in sorted(tf.trainable_variables(), key=lambda v: v.name):
        shape = v.shape.as_list()
        if len(shape) >= 2:
            receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
            fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            value = rng.uniform(-limit, limit, shape)
        elif biases:
            value = np.zeros(shape)
        else:
            continue
        v.load(value.astype(v.dtype.as_numpy_dtype), sess)


IRIS_COLUMNS = ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]


def keras_same_start(model: Any, seed: int = 0) -> None:
    """A seeded Glorot-uniform draw for a Keras model's 2-D weights (kernels, embedding
    tables) and zeros for the others, in ``get_weights`` order (both backends)."""
    rng = np.random.RandomState(seed)
    values = []
    for w in model.get_weights():
        if w.ndim == 2:
            limit = np.sqrt(6.0 / sum(w.shape))
            values.append(rng.uniform(-limit, limit, w.shape).astype(np.float32))
        else:
            values.append(np.zeros_like(w))
    model.set_weights(values)


def load_iris(seed: int = 0) -> tuple[tuple[dict, np.ndarray], tuple[dict, np.ndarray]]:
    """``iris_data.load_data()``'s shapes without the download: 120 training and 30 test
    rows of the four float columns (class-wise normal draws around the real species'
    means), integer species 0-2; ``(train_x, train_y), (test_x, test_y)`` with the x as
    dicts of column arrays (what ``dict(DataFrame)`` gives the tutorials' input_fns)."""
    rng = np.random.RandomState(seed)
    means = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = rng.randint(0, 3, 150)
    rows = (means[labels] + rng.normal(0, 0.6, (150, 4))).astype(np.float32)

    def split(lo: int, hi: int) -> tuple[dict, np.ndarray]:
        x = {k: rows[lo:hi, i].copy() for i, k in enumerate(IRIS_COLUMNS)}
        return x, labels[lo:hi].astype(np.int64)

    return split(0, 120), split(120, 150)


def write_jpeg(path: str, pixels: np.ndarray, quality: int = 90) -> None:
    """Writes ``pixels`` (uint8 ``[h, w, 3]``) as a baseline JPEG file. The bytes come
    from trainkit's NumPy encoder (``trainkit.data.jpeg_encode``, plain NumPy, so it runs
    under TF's interpreter as well): both backends then decode the very same file."""
    from trainkit.data.jpeg_encode import encode

    with open(path, "wb") as f:
        f.write(encode(np.ascontiguousarray(pixels, np.uint8), quality=quality))


def iris_arrays(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``sklearn.datasets.load_iris()``'s ``data`` and ``target`` without sklearn: the 150
    rows of :func:`load_iris` (training rows, then test rows) as a float64 ``[150, 4]``
    array in the order sepal length, sepal width, petal length, petal width, and the
    integer species 0-2."""
    (train_x, train_y), (test_x, test_y) = load_iris(seed)
    data = np.stack([np.concatenate([train_x[k], test_x[k]]) for k in IRIS_COLUMNS], 1)
    return data.astype(np.float64), np.concatenate([train_y, test_y])


BIRTH_WEIGHT_HEADER = ["LOW", "AGE", "LWT", "RACE", "SMOKE", "PTL", "HT", "UI", "BWT"]


def birth_weight_data(seed: int = 0, n: int = 189) -> list[list[float]]:
    """The rows of the low-birth-weight study file (``birthweight.dat``: the columns of
    :data:`BIRTH_WEIGHT_HEADER`) without the download: ``n`` generated rows of plausible
    ranges (mother's age 14-45, weight 80-250 lb, 0/1 race, smoking, hypertension and
    irritability flags, 0-3 premature labours) and a birth weight in grams that falls with
    smoking, hypertension and premature labour and rises with the mother's weight; ``LOW``
    is ``BWT < 2500``, as in the study."""
    rng = np.random.RandomState(seed)
    age = rng.randint(14, 46, n)
    lwt = rng.randint(80, 251, n)
    race = rng.randint(0, 2, n)
    smoke = (rng.uniform(size=n) < 0.4).astype(int)
    ptl = np.minimum(rng.poisson(0.2, n), 3)
    ht = (rng.uniform(size=n) < 0.07).astype(int)
    ui = (rng.uniform(size=n) < 0.15).astype(int)
    bwt = (2600 + 4.0 * (lwt - 80) + 5.0 * (age - 14) - 250 * smoke - 300 * ptl - 450 * ht
           - 350 * ui - 150 * race + rng.normal(0, 450, n))
    bwt = np.clip(np.round(bwt), 700, 5000)
    low = (bwt < 2500).astype(int)
    cols = [low, age, lwt, race, smoke, ptl, ht, ui, bwt]
    return [[float(c[i]) for c in cols] for i in range(n)]


SMS_HAM = ("i will be home later ok call me when you get there sorry can not talk now "
           "see you at lunch what time is the game tonight love you too going to sleep "
           "did you eat yet my mom says hi haha that is so funny tomorrow then").split()
SMS_SPAM = ("free prize claim now call winner cash urgent txt reply stop to win a "
            "guaranteed award mobile offer your entry won text service").split()


def sms_spam_lines(rng: np.random.RandomState, n: int = 500) -> list[str]:
    """The SMS Spam Collection's lines (``ham`` or ``spam``, a tab, the message) without
    the UCI download: ``n`` messages of 4-30 words from two small word lists (about 15%
    spam), capitalised, with end punctuation, a rare name in some and a 4-digit number
    with ``!`` in every spam, drawn from ``rng``."""
    rare = [f"name{k}" for k in range(40)]
    lines = []
    for _ in range(n):
        spam = rng.uniform() < 0.15
        words = list(rng.choice(SMS_SPAM if spam else SMS_HAM, rng.randint(4, 30)))
        if rng.uniform() < 0.3:
            words.insert(rng.randint(len(words)), rng.choice(rare))
        if spam:
            words.insert(rng.randint(len(words)), f"{rng.randint(1000, 9999)}!")
        text = " ".join(words).capitalize() + rng.choice([".", "!", "?", " :)"])
        lines.append(("spam" if spam else "ham") + "\t" + text)
    return lines


class HvassMNIST:
    """The ``MNIST`` class of Hvass-Labs' TensorFlow-Tutorials (``mnist.py``) without the
    download: the bundled digits in MNIST's shapes (:func:`read_data_sets`), split 1200
    training, 200 validation and 397 test images; ``x_*`` flat pixels in [0, 1],
    ``y_*`` one-hot floats, ``y_*_cls`` integer classes, the size constants, and
    ``random_batch`` (in order, wrapping, so both backends see the same batches)."""

    img_size, img_size_flat, img_shape = 28, 784, (28, 28)
    img_shape_full, num_classes, num_channels = (28, 28, 1), 10, 1

    def __init__(self, data_dir: str = "data/MNIST/"):
        data = read_data_sets(data_dir, one_hot=False)
        x = np.concatenate([data.train.images, data.test.images]).astype(np.float64)
        cls = np.concatenate([data.train.labels, data.test.labels]).astype(np.int64)
        one_hot = np.eye(10, dtype=np.float64)[cls]
        self.x_train, self.x_val, self.x_test = x[:1200], x[1200:1400], x[1400:]
        self.y_train, self.y_val, self.y_test = one_hot[:1200], one_hot[1200:1400], one_hot[1400:]
        self.y_train_cls, self.y_val_cls, self.y_test_cls = cls[:1200], cls[1200:1400], cls[1400:]
        self.num_train, self.num_val, self.num_test = 1200, 200, len(self.x_test)
        self._pos = 0

    def random_batch(self, batch_size: int = 32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next ``batch_size`` training images, one-hot labels and classes, in order."""
        idx = (self._pos + np.arange(batch_size)) % self.num_train
        self._pos = (self._pos + batch_size) % self.num_train
        return self.x_train[idx], self.y_train[idx], self.y_train_cls[idx]


DBPEDIA_CLASSES = ("Company", "EducationalInstitution", "Artist", "Athlete", "OfficeHolder",
                   "MeanOfTransportation", "Building", "NaturalPlace", "Village", "Animal",
                   "Plant", "Album", "Film", "WrittenWork", "Other")
_DBPEDIA_FILLER = ("the of and in a is was it by for with on as from an at which has its "
                   "known also first one two new located part").split()


def dbpedia(seed: int = 0, n_train: int = 60, n_test: int = 30) -> Any:
    """``tf.contrib.learn.datasets.load_dataset('dbpedia')``'s shape without the download:
    ``train`` / ``test`` with ``data`` (rows of title and description, the columns the
    examples read with ``pandas.DataFrame(data)[1]``) and ``target`` (ints 0-14). Each
    description is 6-14 words: filler words and two to four words of its class
    (``<class>word<k>``, k < 6), capitalised and ending in a full stop, drawn from a
    seeded ``RandomState``."""
    from types import SimpleNamespace

    rng = np.random.RandomState(seed)

    def rows(n: int) -> Any:
        data, target = [], []
        for _ in range(n):
            label = int(rng.randint(len(DBPEDIA_CLASSES)))
            words = list(rng.choice(_DBPEDIA_FILLER, rng.randint(4, 11)))
            for _ in range(rng.randint(2, 5)):
                cls_word = f"{DBPEDIA_CLASSES[label].lower()}word{rng.randint(6)}"
                words.insert(rng.randint(len(words) + 1), cls_word)
            text = " ".join(words).capitalize() + "."
            data.append([f"Title{len(data)}", text])
            target.append(label)
        return SimpleNamespace(data=data, target=np.array(target, np.int64))

    return SimpleNamespace(train=rows(n_train), test=rows(n_test))


def boston_arrays(seed: int = 0, n: int = 506) -> tuple[np.ndarray, np.ndarray]:
    """``sklearn.datasets.load_boston()``'s ``data`` (``n`` x 13 float64: crime rate,
    zoning, industry share, river flag, NOx, rooms, age, distance, highway index, tax,
    pupil-teacher ratio, B, lower-status share, each in its real range) and ``target``
    (median value in $1000s, 5-50, rising with rooms and falling with lower-status share,
    crime and NOx) without the download, drawn from a seeded ``RandomState``."""
    rng = np.random.RandomState(seed)
    crim = rng.exponential(3.6, n)
    zn = np.where(rng.uniform(size=n) < 0.7, 0.0, rng.uniform(12.5, 100, n))
    indus = rng.uniform(0.5, 27.7, n)
    chas = (rng.uniform(size=n) < 0.07).astype(float)
    nox = rng.uniform(0.39, 0.87, n)
    rm = rng.normal(6.28, 0.7, n)
    age = rng.uniform(3, 100, n)
    dis = rng.uniform(1.1, 12.1, n)
    rad = rng.choice([1.0, 2, 3, 4, 5, 6, 7, 8, 24], n)
    tax = rng.uniform(187, 711, n)
    ptratio = rng.uniform(12.6, 22, n)
    b = rng.uniform(0.3, 396.9, n)
    lstat = rng.uniform(1.7, 38, n)
    data = np.stack([crim, zn, indus, chas, nox, rm, age, dis, rad, tax, ptratio, b, lstat], 1)
    target = (22.5 + 6.0 * (rm - 6.28) - 0.45 * (lstat - 12.6) - 0.1 * crim - 8 * (nox - 0.55)
              + 2.5 * chas - 0.4 * (ptratio - 18.5) + rng.normal(0, 3, n))
    return data, np.clip(target, 5.0, 50.0)


def mnist_load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``keras.datasets.mnist.load_data()``'s form without the download: ``(x_train,
    y_train), (x_test, y_test)`` with the x as uint8 ``[n, 28, 28]`` images (values 0-255)
    and the y as integer labels 0-9, from the bundled digits of :func:`read_data_sets`
    (1400 training and 397 test images)."""
    mnist = read_data_sets("MNIST_data")

    def images(ds: DataSet) -> np.ndarray:
        return np.round(ds.images.reshape(-1, 28, 28) * 255.0).astype(np.uint8)

    return ((images(mnist.train), mnist.train.labels),
            (images(mnist.test), mnist.test.labels))
