"""MNIST for the TF1 tutorials: ``input_data.read_data_sets`` and its ``DataSet``
(``tensorflow.examples.tutorials.mnist.input_data``, alias
``tf.contrib.learn.datasets.mnist``), with TF1's behaviour:

- the four ``*-idx?-ubyte.gz`` files are read from ``train_dir``, each downloaded from
  ``source_url`` first when it is missing (:func:`trainkit.data.downloads.maybe_download`:
  atomic, a failed download leaves nothing);
- images are ``[N, 784]`` float32 in ``[0, 1]`` (``reshape=False``: ``[N, 28, 28, 1]``;
  ``dtype=uint8``: the raw bytes), labels uint8 class ids or float64 one-hot rows;
- the first ``validation_size`` (5000) training images are the validation set;
- each ``DataSet`` seeds NumPy's global generator from the graph seed (or ``seed``), as
  TF's does, and ``next_batch`` shuffles with it at the start of every epoch and joins
  an epoch's last partial batch with the next epoch's first examples, so a program
  under ``tf.set_random_seed`` sees the batches it saw with TF 1.x;
- ``fake_data=True`` gives 10000 constant examples per set.

The files are MNIST's IDX format: a big-endian magic number (2051 for images, 2049 for
labels), the counts, then one byte per pixel or label.

Example:
    >>> mnist = read_data_sets("MNIST_data", one_hot=True)   # doctest: +SKIP
    >>> xs, ys = mnist.train.next_batch(100)                  # doctest: +SKIP
"""

from __future__ import annotations

import collections
import gzip
import os
from typing import Any

import numpy as np

from trainkit.data.downloads import maybe_download
from trainkit.framework import dtypes
from trainkit.framework.default_graph import get_default_graph

#: the CVDF mirror of MNIST that TF1 downloads from
DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
#: TF's default graph-level seed when only an op seed is given
_DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def _file_name(f: Any) -> str:
    return str(getattr(f, "name", f))


def _header(stream: Any, count: int, name: str) -> list[int]:
    raw = stream.read(4 * count)
    if len(raw) != 4 * count:
        raise ValueError(f"MNIST file {name} ends inside its header")
    return [int(v) for v in np.frombuffer(raw, ">u4")]


def _body(stream: Any, size: int, name: str) -> np.ndarray:
    raw = stream.read(size)
    if len(raw) != size:
        raise ValueError(f"MNIST file {name} holds {len(raw)} bytes of data, its header "
                         f"says {size}")
    return np.frombuffer(raw, np.uint8)


def _read_idx(f: Any, magic: int, kind: str, dims: int) -> tuple[list[int], np.ndarray]:
    """The ``dims`` sizes and the bytes of a gzipped IDX file object whose magic number
    must be ``magic``; prints ``Extracting <name>`` as TF does."""
    name = _file_name(f)
    print("Extracting", name)
    with gzip.GzipFile(fileobj=f) as stream:
        (found,) = _header(stream, 1, name)
        if found != magic:
            raise ValueError(f"Invalid magic number {found} in MNIST {kind} file: {name}")
        sizes = _header(stream, dims, name)
        return sizes, _body(stream, int(np.prod(sizes)), name)


def extract_images(f: Any) -> np.ndarray:
    """The images of a gzipped IDX image file object as uint8 ``[N, rows, cols, 1]``
    (prints ``Extracting <name>``, as TF does).

    Raises:
        ValueError: if the magic number is not 2051, or the file is shorter than its
            header says.
    """
    (n, rows, cols), data = _read_idx(f, IMAGES_MAGIC, "image", 3)
    return data.reshape(n, rows, cols, 1)


def dense_to_one_hot(labels_dense: np.ndarray, num_classes: int) -> np.ndarray:
    """Class ids as one-hot rows ``[N, num_classes]`` of float64 (TF's dtype here).

    Raises:
        ValueError: for a class id outside ``[0, num_classes)``.
    """
    labels_dense = np.asarray(labels_dense).ravel()
    if labels_dense.size and (labels_dense.min() < 0 or labels_dense.max() >= num_classes):
        raise ValueError(f"class ids must lie in [0, {num_classes}), got "
                         f"{labels_dense.min()}..{labels_dense.max()}")
    out = np.zeros((labels_dense.shape[0], num_classes))
    out[np.arange(labels_dense.shape[0]), labels_dense] = 1
    return out


def extract_labels(f: Any, one_hot: bool = False, num_classes: int = 10) -> np.ndarray:
    """The labels of a gzipped IDX label file object: uint8 ``[N]``, or one-hot float64
    ``[N, num_classes]`` (prints ``Extracting <name>``).

    Raises:
        ValueError: if the magic number is not 2049, or the file is shorter than its
            header says.
    """
    _, labels = _read_idx(f, LABELS_MAGIC, "label", 1)
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def _numpy_seed(seed: int | None) -> int | None:
    """The NumPy seed TF 1.x's ``DataSet`` uses: the graph-level seed when ``seed`` is
    None, else the op-level seed ``random_seed.get_seed(seed)`` makes of ``seed`` (no op
    seed is drawn from the graph: TF 1.x read its op counter without advancing it)."""
    graph_seed = get_default_graph().seed
    if seed is None:
        return graph_seed
    if graph_seed is None:
        graph_seed = _DEFAULT_GRAPH_SEED
    return _MAXINT32 if (graph_seed, seed) == (0, 0) else seed


class DataSet:
    """One split of MNIST with TF1's ``next_batch``.

    Args:
        images: uint8 ``[N, rows, cols, 1]`` (ignored with ``fake_data``).
        labels: ``[N]`` class ids or ``[N, classes]`` one-hot rows.
        fake_data: 10000 constant examples instead (``next_batch(fake_data=True)``).
        one_hot: with ``fake_data``, one-hot fake labels.
        dtype: ``float32`` (pixels scaled to ``[0, 1]``) or ``uint8`` (raw).
        reshape: flatten images to ``[N, rows * cols]``.
        seed: seeds NumPy's global generator (default: the graph seed).

    Raises:
        TypeError: for a ``dtype`` other than uint8 or float32.
        ValueError: when images and labels differ in length, or ``reshape`` meets
            images of more than one channel.
    """

    def __init__(self, images: Any, labels: Any, fake_data: bool = False,
                 one_hot: bool = False, dtype: Any = dtypes.float32, reshape: bool = True,
                 seed: int | None = None):
        np.random.seed(_numpy_seed(seed))
        dtype = dtypes.as_dtype(dtype).base_dtype
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        self.one_hot = one_hot
        self._fake = fake_data
        if fake_data:
            self._num_examples = 10000
        else:
            images, labels = np.asarray(images), np.asarray(labels)
            if images.shape[0] != labels.shape[0]:
                raise ValueError(f"images.shape: {images.shape} labels.shape: "
                                 f"{labels.shape}")
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(f"reshape=True needs images [N, rows, cols, 1], got "
                                     f"{images.shape}")
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == dtypes.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self) -> Any:
        """The images in the current epoch's order."""
        return self._images

    @property
    def labels(self) -> Any:
        """The labels in the current epoch's order."""
        return self._labels

    @property
    def num_examples(self) -> int:
        """How many examples the split holds."""
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        """How many times ``next_batch`` went past the end of the split."""
        return self._epochs_completed

    def _permute(self) -> None:
        perm = np.arange(self._num_examples)
        np.random.shuffle(perm)
        self._images = self._images[perm]
        self._labels = self._labels[perm]

    def next_batch(self, batch_size: int, fake_data: bool = False,
                   shuffle: bool = True) -> tuple[Any, Any]:
        """The next ``batch_size`` images and labels. The examples are shuffled before
        the first batch and at every epoch's end; a batch that crosses the end holds the
        epoch's remaining examples followed by the next epoch's first ones.

        Raises:
            ValueError: for a negative ``batch_size``, or real batches asked of a set
                made with ``fake_data`` (it holds no images).
        """
        if batch_size < 0:
            raise ValueError(f"batch_size must be >= 0, got {batch_size}")
        if self._fake and not fake_data:
            raise ValueError("this DataSet was made with fake_data=True and holds no "
                             "images: call next_batch(batch_size, fake_data=True)")
        if fake_data:
            image, label = [1] * 784, ([1] + [0] * 9 if self.one_hot else 0)
            return [image for _ in range(batch_size)], [label for _ in range(batch_size)]
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._permute()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            return (self._images[start:self._index_in_epoch],
                    self._labels[start:self._index_in_epoch])
        self._epochs_completed += 1
        rest = self._num_examples - start
        images_rest, labels_rest = self._images[start:], self._labels[start:]
        if shuffle:
            self._permute()
        self._index_in_epoch = batch_size - rest
        end = self._index_in_epoch
        return (np.concatenate((images_rest, self._images[:end]), axis=0),
                np.concatenate((labels_rest, self._labels[:end]), axis=0))


def _read(train_dir: str, filename: str, source_url: str, extract: Any) -> np.ndarray:
    path = maybe_download(filename, train_dir, source_url + filename)
    with open(path, "rb") as f:
        return extract(f)


def read_data_sets(train_dir: str, fake_data: bool = False, one_hot: bool = False,
                   dtype: Any = dtypes.float32, reshape: bool = True,
                   validation_size: int = 5000, seed: int | None = None,
                   source_url: str = DEFAULT_SOURCE_URL) -> Datasets:
    """MNIST's ``Datasets(train, validation, test)`` from the four IDX files in
    ``train_dir`` (each downloaded from ``source_url`` first if missing); the first
    ``validation_size`` training examples form the validation set.

    Raises:
        ValueError: for a ``validation_size`` outside ``[0, number of training
            images]``, or a damaged file (wrong magic number, too short).
        OSError: when a missing file cannot be downloaded (nothing partial is kept).
    """
    if fake_data:
        def fake() -> DataSet:
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)

        return Datasets(train=fake(), validation=fake(), test=fake())
    source_url = source_url or DEFAULT_SOURCE_URL
    train_images = _read(train_dir, TRAIN_IMAGES, source_url, extract_images)
    train_labels = _read(train_dir, TRAIN_LABELS, source_url,
                         lambda f: extract_labels(f, one_hot=one_hot))
    test_images = _read(train_dir, TEST_IMAGES, source_url, extract_images)
    test_labels = _read(train_dir, TEST_LABELS, source_url,
                        lambda f: extract_labels(f, one_hot=one_hot))
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. "
                         f"Received: {validation_size}.")
    options = {"dtype": dtype, "reshape": reshape, "seed": seed}
    train = DataSet(train_images[validation_size:], train_labels[validation_size:],
                    **options)
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size],
                         **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir: str = "MNIST-data") -> Datasets:
    """``read_data_sets(train_dir)``."""
    return read_data_sets(train_dir)


def write_idx(path: str, array: np.ndarray) -> None:
    """Writes uint8 ``array`` as a gzipped IDX file: ``[N, rows, cols]`` (or ``[N, rows,
    cols, 1]``) images with magic 2051, ``[N]`` labels with magic 2049 (the format
    :func:`extract_images` / :func:`extract_labels` read); atomically.

    Raises:
        ValueError: for another rank or a non-uint8 array.
    """
    a = np.asarray(array)
    if a.dtype != np.uint8:
        raise ValueError(f"IDX arrays here are uint8, got {a.dtype}")
    if a.ndim == 4 and a.shape[3] == 1:
        a = a[..., 0]
    if a.ndim == 3:
        header = np.array([IMAGES_MAGIC, *a.shape], ">u4")
    elif a.ndim == 1:
        header = np.array([LABELS_MAGIC, a.shape[0]], ">u4")
    else:
        raise ValueError(f"IDX images are [N, rows, cols], labels [N]; got {a.shape}")
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(header.tobytes())
            f.write(np.ascontiguousarray(a).tobytes())
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)


__all__ = ["DEFAULT_SOURCE_URL", "DataSet", "Datasets", "dense_to_one_hot",
           "extract_images", "extract_labels", "load_mnist", "read_data_sets", "write_idx"]
