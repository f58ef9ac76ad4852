"""TF1's MNIST reader (``trainkit/data/mnist_data.py``; ``from
tensorflow.examples.tutorials.mnist import input_data``): IDX files written here, read
back with TF 1.x's splits, scaling, one-hot rows and ``next_batch`` order (NumPy's
generator seeded from the graph seed, reshuffled at each epoch, an epoch's tail joined
to the next one's head: replayed by hand below), downloads from a ``file://`` URL (once,
atomically), and the typed errors of damaged files and bad arguments."""

from __future__ import annotations

import gzip
import os
import shutil
import urllib.error

import numpy as np
import pytest

import trainkit as tk
from trainkit.data import mnist_data
from trainkit.data.mnist_data import write_idx
from trainkit.examples.tutorials.mnist import input_data

RNG = np.random.default_rng(5)
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _write_mnist(directory, n_train=30, n_test=8):
    os.makedirs(directory, exist_ok=True)
    arrays = {"train_x": RNG.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "train_y": RNG.integers(0, 10, n_train, dtype=np.uint8),
              "test_x": RNG.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "test_y": RNG.integers(0, 10, n_test, dtype=np.uint8)}
    for name, key in zip(FILES, ("train_x", "train_y", "test_x", "test_y")):
        write_idx(os.path.join(directory, name), arrays[key])
    return arrays


def test_the_import_paths_of_tf1_programs_reach_one_reader():
    from trainkit.contrib.learn.python.learn.datasets import mnist as deep

    assert input_data.read_data_sets is mnist_data.read_data_sets
    assert tk.contrib.learn.datasets.mnist.read_data_sets is mnist_data.read_data_sets
    assert deep.read_data_sets is mnist_data.read_data_sets
    assert tk.contrib.learn.datasets.base.Datasets is mnist_data.Datasets


def test_splits_scaling_and_one_hot_rows(tmp_path, capsys):
    a = _write_mnist(tmp_path)
    with tk.Graph().as_default():
        data = input_data.read_data_sets(str(tmp_path), one_hot=True, validation_size=10)
    out = capsys.readouterr().out
    assert out.count("Extracting") == 4 and FILES[0] in out
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) \
        == (20, 10, 8)
    # float32 pixels x * float32(1 / 255), as TF's multiply of a float32 array
    want = a["train_x"][:10].reshape(10, 784).astype(np.float32) * np.float32(1 / 255)
    assert data.validation.images.dtype == np.float32
    assert np.array_equal(data.validation.images, want)
    assert data.validation.labels.dtype == np.float64
    assert np.array_equal(data.validation.labels, np.eye(10)[a["train_y"][:10]])
    assert np.array_equal(data.test.labels.argmax(1), a["test_y"])


def test_raw_bytes_unflattened_and_dense_labels(tmp_path):
    a = _write_mnist(tmp_path)
    data = input_data.read_data_sets(str(tmp_path), dtype=tk.uint8, reshape=False,
                                     validation_size=0)
    assert data.train.images.dtype == np.uint8 and data.train.images.shape == (30, 28, 28, 1)
    assert np.array_equal(data.train.images[..., 0], a["train_x"])
    assert data.train.labels.dtype == np.uint8
    assert np.array_equal(data.train.labels, a["train_y"])
    assert data.validation.num_examples == 0


def _replayed_batches(seed, images, batch_sizes):
    """TF 1.x's next_batch, replayed: NumPy seeded with ``seed`` (the last DataSet made
    reseeds it), a shuffle before the first batch and at each epoch's end."""
    np.random.seed(seed)
    n = len(images)
    order = np.arange(n)
    perm = np.arange(n)
    np.random.shuffle(perm)
    order = order[perm]
    pos, out = 0, []
    for b in batch_sizes:
        if pos + b <= n:
            out.append(images[order[pos:pos + b]])
            pos += b
            continue
        rest = images[order[pos:]]
        perm = np.arange(n)
        np.random.shuffle(perm)
        order = order[perm]
        pos = b - (n - pos)
        out.append(np.concatenate([rest, images[order[:pos]]]))
    return out


def test_next_batch_follows_tf1s_seeded_shuffles_across_epochs(tmp_path):
    _write_mnist(tmp_path, n_train=23)
    sizes = [5, 5, 5, 5, 7, 5, 9]
    with tk.Graph().as_default():
        tk.set_random_seed(7)
        data = input_data.read_data_sets(str(tmp_path), validation_size=3)
        got = [data.train.next_batch(b) for b in sizes]
    want = _replayed_batches(7, _unshuffled(tmp_path, 3), sizes)
    for (x, y), w in zip(got, want):
        assert np.array_equal(x, w)
        assert len(y) == len(x)
    assert data.train.epochs_completed == 2


def _unshuffled(directory, validation_size):
    with open(os.path.join(directory, FILES[0]), "rb") as f:
        raw = mnist_data.extract_images(f)[validation_size:]
    return raw.reshape(len(raw), 784).astype(np.float32) * np.float32(1 / 255)


def test_an_explicit_seed_and_no_shuffle(tmp_path):
    _write_mnist(tmp_path, n_train=12)
    plain = _unshuffled(tmp_path, 0)
    with tk.Graph().as_default():
        tk.set_random_seed(1)
        data = input_data.read_data_sets(str(tmp_path), validation_size=0, seed=11)
        first = data.train.next_batch(12)[0]
        fixed = input_data.read_data_sets(str(tmp_path), validation_size=0)
        in_order = [fixed.train.next_batch(5, shuffle=False)[0] for _ in range(3)]
    np.random.seed(11)
    perm = np.arange(12)
    np.random.shuffle(perm)
    assert np.array_equal(first, plain[perm])
    assert np.array_equal(np.concatenate(in_order), plain[np.arange(15) % 12])


def test_fake_data(tmp_path):
    data = input_data.read_data_sets(str(tmp_path), fake_data=True, one_hot=True)
    assert os.listdir(tmp_path) == []
    assert data.train.num_examples == 10000
    x, y = data.train.next_batch(3, fake_data=True)
    assert x == [[1] * 784] * 3 and y == [[1] + [0] * 9] * 3
    dense = input_data.read_data_sets(str(tmp_path), fake_data=True)
    assert dense.test.next_batch(2, fake_data=True)[1] == [0, 0]
    with pytest.raises(ValueError, match="fake_data=True"):
        data.train.next_batch(3)


def test_missing_files_are_downloaded_once_from_the_source_url(tmp_path, capsys):
    source = tmp_path / "mirror"
    a = _write_mnist(source)
    target = tmp_path / "MNIST_data"
    url = source.as_uri() + "/"
    data = input_data.read_data_sets(str(target), source_url=url, validation_size=5)
    assert capsys.readouterr().out.count("Successfully downloaded") == 4
    assert sorted(os.listdir(target)) == sorted(FILES)
    for name in FILES:
        assert (target / name).read_bytes() == (source / name).read_bytes()
    assert np.array_equal(data.test.labels, a["test_y"])
    for name in FILES:
        os.remove(source / name)                  # the mirror is gone: the copies serve
    again = input_data.read_data_sets(str(target), source_url=url, validation_size=5)
    assert "Successfully downloaded" not in capsys.readouterr().out
    assert np.array_equal(again.test.labels, a["test_y"])


def test_a_failed_download_leaves_nothing_partial_and_keeps_what_is_there(tmp_path):
    source = tmp_path / "mirror"
    _write_mnist(source)
    os.remove(source / FILES[2])                  # the test images are missing upstream
    target = tmp_path / "data"
    with pytest.raises(urllib.error.URLError):
        input_data.read_data_sets(str(target), source_url=source.as_uri() + "/")
    assert sorted(os.listdir(target)) == sorted(FILES[:2])   # no temporary file left
    assert (target / FILES[0]).read_bytes() == (source / FILES[0]).read_bytes()


def test_damaged_files_raise_value_errors(tmp_path):
    _write_mnist(tmp_path)
    shutil.copy(tmp_path / FILES[1], tmp_path / FILES[0])      # labels where images go
    with pytest.raises(ValueError, match="Invalid magic number 2049 in MNIST image file"):
        input_data.read_data_sets(str(tmp_path))
    _write_mnist(tmp_path)
    shutil.copy(tmp_path / FILES[0], tmp_path / FILES[3])
    with pytest.raises(ValueError, match="Invalid magic number 2051 in MNIST label file"):
        input_data.read_data_sets(str(tmp_path))
    _write_mnist(tmp_path)
    with gzip.open(tmp_path / FILES[0], "rb") as f:
        raw = f.read()
    with gzip.open(tmp_path / FILES[0], "wb") as f:
        f.write(raw[:-100])                                   # a truncated download
    with pytest.raises(ValueError, match="holds .* bytes of data, its header says"):
        input_data.read_data_sets(str(tmp_path))
    with gzip.open(tmp_path / FILES[0], "wb") as f:
        f.write(raw[:6])
    with pytest.raises(ValueError, match="ends inside its header"):
        input_data.read_data_sets(str(tmp_path))


def test_bad_arguments_raise_typed_errors(tmp_path):
    _write_mnist(tmp_path, n_train=30)
    for size in (-1, 31):
        with pytest.raises(ValueError, match="Validation size should be between 0 and 30"):
            input_data.read_data_sets(str(tmp_path), validation_size=size)
    with pytest.raises(TypeError, match="expected uint8 or float32"):
        input_data.read_data_sets(str(tmp_path), dtype=tk.float64, validation_size=0)
    images = np.zeros((4, 28, 28, 1), np.uint8)
    with pytest.raises(ValueError, match="labels.shape"):
        input_data.DataSet(images, np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="reshape=True"):
        input_data.DataSet(np.zeros((4, 28, 28, 3), np.uint8), np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="batch_size"):
        input_data.DataSet(images, np.zeros(4, np.uint8)).next_batch(-1)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        input_data.dense_to_one_hot(np.array([3, 10]), 10)
    with pytest.raises(ValueError, match="uint8"):
        write_idx(str(tmp_path / "x.gz"), np.zeros((2, 3, 3), np.float32))
