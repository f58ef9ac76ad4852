"""``tk.keras.datasets`` and ``tk.keras.utils.get_file`` (tf_keras 2.21's behaviour):
files served from ``file://`` URLs stand in for Google's storage (the loaders' origin
and hash constants are pointed at them), cached under ``cache_dir/datasets``,
hash-checked, downloaded again when the cached copy is damaged, never kept when a
download fails its hash; a pickled ``.npz`` is refused."""

from __future__ import annotations

import gzip
import hashlib
import os

import numpy as np
import pytest

import trainkit as tk
from trainkit.keras.data_files import get_file
from trainkit.keras.datasets import boston_housing, fashion_mnist, mnist

RNG = np.random.default_rng(8)


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def mnist_source(tmp_path, monkeypatch):
    arrays = {"x_train": RNG.integers(0, 256, (12, 28, 28), dtype=np.uint8),
              "y_train": RNG.integers(0, 10, 12, dtype=np.uint8),
              "x_test": RNG.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "y_test": RNG.integers(0, 10, 4, dtype=np.uint8)}
    src = tmp_path / "served" / "mnist.npz"
    src.parent.mkdir()
    np.savez(src, **arrays)
    monkeypatch.setattr(mnist, "ORIGIN", src.as_uri())
    monkeypatch.setattr(mnist, "FILE_HASH", _sha256(src))
    return arrays, src


def test_mnist_is_downloaded_once_then_read_from_the_cache(tmp_path, mnist_source, capsys):
    arrays, src = mnist_source
    cache = tmp_path / "cache"
    (x_train, y_train), (x_test, y_test) = tk.keras.datasets.mnist.load_data(
        cache_dir=str(cache))
    assert "Downloading data from" in capsys.readouterr().out
    for got, key in zip((x_train, y_train, x_test, y_test),
                        ("x_train", "y_train", "x_test", "y_test")):
        assert got.dtype == np.uint8 and np.array_equal(got, arrays[key])
    assert (cache / "datasets" / "mnist.npz").read_bytes() == src.read_bytes()
    src.unlink()                                    # offline now: the cache serves
    (x2, _), _ = mnist.load_data(cache_dir=str(cache))
    assert np.array_equal(x2, arrays["x_train"]) and capsys.readouterr().out == ""


def test_a_damaged_cached_file_is_downloaded_again(tmp_path, mnist_source, capsys):
    arrays, _ = mnist_source
    cached = tmp_path / "cache" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half a download")
    (x, _), _ = mnist.load_data(cache_dir=str(tmp_path / "cache"))
    assert "hash does not match" in capsys.readouterr().out
    assert np.array_equal(x, arrays["x_train"])


def test_a_download_with_the_wrong_hash_is_not_kept(tmp_path, mnist_source, monkeypatch):
    monkeypatch.setattr(mnist, "FILE_HASH", "0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="expected 0000"):
        mnist.load_data(cache_dir=str(cache))
    assert os.listdir(cache / "datasets") == []
    old = cache / "datasets" / "mnist.npz"           # a file already there is kept too
    old.write_bytes(b"previous")
    with pytest.raises(ValueError):
        mnist.load_data(cache_dir=str(cache))
    assert old.read_bytes() == b"previous"


def test_a_pickled_npz_is_refused(tmp_path, monkeypatch):
    src = tmp_path / "mnist.npz"
    np.savez(src, x_train=np.array([[1, 2], [3]], dtype=object), y_train=np.zeros(2),
             x_test=np.zeros(1), y_test=np.zeros(1))
    monkeypatch.setattr(mnist, "ORIGIN", src.as_uri())
    monkeypatch.setattr(mnist, "FILE_HASH", _sha256(src))
    with pytest.raises(ValueError, match="allow_pickle"):
        mnist.load_data(cache_dir=str(tmp_path / "cache"))


def _idx(path, array, magic):
    header = np.array([magic, *array.shape], ">u4").tobytes()
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def test_fashion_mnist_reads_its_four_idx_files(tmp_path):
    d = tmp_path / "datasets" / "fashion-mnist"
    d.mkdir(parents=True)
    xs = {n: RNG.integers(0, 256, (n, 28, 28), dtype=np.uint8) for n in (6, 3)}
    ys = {n: RNG.integers(0, 10, n, dtype=np.uint8) for n in (6, 3)}
    for prefix, n in (("train", 6), ("t10k", 3)):
        _idx(d / f"{prefix}-images-idx3-ubyte.gz", xs[n], 2051)
        _idx(d / f"{prefix}-labels-idx1-ubyte.gz", ys[n], 2049)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(cache_dir=str(tmp_path))
    assert np.array_equal(x_train, xs[6]) and np.array_equal(y_train, ys[6])
    assert np.array_equal(x_test, xs[3]) and np.array_equal(y_test, ys[3])
    _idx(d / "t10k-images-idx3-ubyte.gz", xs[3][:2], 2051)
    with pytest.raises(ValueError, match="expected 3 images"):
        fashion_mnist.load_data(cache_dir=str(tmp_path))


def test_boston_housing_shuffles_with_keras_seed_and_splits(tmp_path, monkeypatch):
    x = RNG.normal(size=(50, 13))
    y = RNG.normal(size=50)
    src = tmp_path / "boston_housing.npz"
    np.savez(src, x=x, y=y)
    monkeypatch.setattr(boston_housing, "ORIGIN", src.as_uri())
    monkeypatch.setattr(boston_housing, "FILE_HASH", _sha256(src))
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(
        cache_dir=str(tmp_path / "c"), test_split=0.3)
    order = np.arange(50)
    np.random.RandomState(113).shuffle(order)       # tf_keras's shuffle, then the cut
    assert np.array_equal(x_train, x[order[:35]]) and np.array_equal(y_test, y[order[35:]])
    assert x_test.shape == (15, 13) and y_train.shape == (35,)
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match="test_split"):
            boston_housing.load_data(cache_dir=str(tmp_path / "c"), test_split=bad)


def test_get_file_names_hashes_and_errors(tmp_path):
    src = tmp_path / "served" / "weights.bin"
    src.parent.mkdir()
    src.write_bytes(b"abc" * 100)
    md5 = hashlib.md5(src.read_bytes()).hexdigest()
    path = tk.keras.utils.get_file(origin=src.as_uri(), md5_hash=md5,
                                   cache_dir=str(tmp_path / "k"), cache_subdir="models")
    assert path == str(tmp_path / "k" / "models" / "weights.bin")
    assert get_file("w.bin", origin=src.as_uri(), file_hash=_sha256(src),
                    cache_dir=str(tmp_path / "k")).endswith(os.path.join("datasets", "w.bin"))
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="file name"):
        get_file(origin="file:///", cache_dir=str(tmp_path / "k"))
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("y", origin=src.as_uri(), file_hash="ab", hash_algorithm="sha1",
                 cache_dir=str(tmp_path / "k"))
    with pytest.raises(OSError):
        get_file("z", origin=(tmp_path / "nowhere").as_uri(), cache_dir=str(tmp_path / "k"))
    assert not os.path.exists(tmp_path / "k" / "datasets" / "z")
