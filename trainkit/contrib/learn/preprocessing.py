"""``tf.contrib.learn.preprocessing``: text -> fixed-length id arrays (TF 1.15 semantics).

``VocabularyProcessor`` tokenizes with TF's regular expression, maps tokens to ids
(0 is ``<UNK>`` and padding), and after ``fit`` is frozen so unseen tokens map to 0.
TF's ``save`` / ``restore`` pickle the processor; here they write and read JSON (no
pickle), so a custom ``tokenizer_fn`` is not saved and must be passed to ``restore``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from trainkit.platform.gfile import GFile

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator: Iterable[str]) -> Iterator[list[str]]:
    """TF's default tokenizer: the ``TOKENIZER_RE`` matches of each document."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary:
    """Categories to ids; id 0 is ``unknown_token``. Unfrozen, ``get`` adds new ones."""

    def __init__(self, unknown_token: str = "<UNK>", support_reverse: bool = True) -> None:
        self._unknown_token = unknown_token
        self._mapping: dict[Any, int] = {unknown_token: 0}
        self._support_reverse = support_reverse
        self._reverse_mapping: list[Any] = [unknown_token]
        self._freq: dict[Any, int] = {}
        self._freeze = False

    def __len__(self) -> int:
        return len(self._mapping)

    def freeze(self, freeze: bool = True) -> None:
        """Stop (or restart) adding unseen categories."""
        self._freeze = freeze

    def get(self, category: Any) -> int:
        """The id of ``category``: added when new and unfrozen, else 0 when unknown."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category: Any, count: int = 1) -> None:
        """Count ``count`` occurrences of ``category`` (adding it if unfrozen)."""
        if self.get(category) <= 0:
            return
        self._freq[category] = self._freq.get(category, 0) + count

    def trim(self, min_frequency: int, max_frequency: int = -1) -> None:
        """Keep categories seen more than ``min_frequency`` (and fewer than
        ``max_frequency`` times when positive), re-numbered by falling frequency, then
        alphabetically."""
        ordered = sorted(sorted(self._freq.items(), key=lambda x: (isinstance(x[0], str), x[0])),
                         key=lambda x: x[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        self._reverse_mapping = [self._unknown_token]
        for category, count in ordered:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = len(self._mapping)
            self._reverse_mapping.append(category)
        # As TF 1.15: the counts kept are the first ``len - 1`` of the sorted list, which
        # with ``max_frequency`` holds skipped frequent categories in place of kept ones
        self._freq = dict(ordered[:len(self._mapping) - 1])

    def reverse(self, class_id: int) -> Any:
        """The category of ``class_id``.

        Raises:
            ValueError: the vocabulary was made with ``support_reverse=False``.
        """
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initialized with support_reverse to "
                             "support reverse() function.")
        return self._reverse_mapping[class_id]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (string categories only)."""
        return {"unknown_token": self._unknown_token, "support_reverse": self._support_reverse,
                "categories": self._reverse_mapping[1:],
                "freq": [[k, v] for k, v in self._freq.items()], "frozen": self._freeze}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CategoricalVocabulary:
        """The inverse of ``to_dict``."""
        vocab = cls(d["unknown_token"], d["support_reverse"])
        for c in d["categories"]:
            vocab.get(c)
        vocab._freq = {k: v for k, v in d["freq"]}
        vocab._freeze = bool(d["frozen"])
        return vocab


class VocabularyProcessor:
    """Maps documents to ``int64`` id arrays of ``max_document_length`` (0-padded)."""

    def __init__(self, max_document_length: int, min_frequency: int = 0,
                 vocabulary: CategoricalVocabulary | None = None,
                 tokenizer_fn: Callable[[Iterable[str]], Iterable[list[str]]] | None = None
                 ) -> None:
        if not isinstance(max_document_length, int | np.integer) or max_document_length < 0:
            raise ValueError(f"max_document_length must be a non-negative int, got "
                             f"{max_document_length!r}")
        self.max_document_length = int(max_document_length)
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn or tokenizer

    def _documents(self, raw_documents: Iterable[str]) -> Iterable[list[str]]:
        if isinstance(raw_documents, str | bytes):
            raise TypeError("raw_documents must be an iterable of strings, not one string")
        return self._tokenizer(raw_documents)

    def fit(self, raw_documents: Iterable[str], unused_y: Any = None) -> VocabularyProcessor:
        """Learn the vocabulary (then trim by ``min_frequency`` and freeze it)."""
        for tokens in self._documents(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents: Iterable[str],
                      unused_y: Any = None) -> Iterator[np.ndarray]:
        """``fit`` then ``transform`` (pass a list: the documents are read twice)."""
        raw_documents = list(raw_documents)
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents: Iterable[str]) -> Iterator[np.ndarray]:
        """Yields one ``int64[max_document_length]`` id array per document."""
        for tokens in self._documents(raw_documents):
            ids = np.zeros(self.max_document_length, np.int64)
            for i, token in enumerate(tokens[:self.max_document_length]):
                ids[i] = self.vocabulary_.get(token)
            yield ids

    def reverse(self, documents: Iterable[Iterable[int]]) -> Iterator[str]:
        """Yields each id array as its tokens joined by spaces (``<UNK>`` for 0)."""
        for item in documents:
            yield " ".join(str(self.vocabulary_.reverse(int(i))) for i in item)

    def save(self, filename: str) -> None:
        """Write the processor as JSON (TF pickles it; the tokenizer is not saved)."""
        data = {"max_document_length": self.max_document_length,
                "min_frequency": self.min_frequency,
                "vocabulary": self.vocabulary_.to_dict()}
        with GFile(filename, "w") as f:
            f.write(json.dumps(data))

    @classmethod
    def restore(cls, filename: str, tokenizer_fn: Callable[..., Any] | None = None
                ) -> VocabularyProcessor:
        """Read a processor written by ``save``.

        Raises:
            ValueError: the file is not a saved VocabularyProcessor.
        """
        with GFile(filename, "r") as f:
            text = f.read()
        try:
            data = json.loads(text)
            vocab = CategoricalVocabulary.from_dict(data["vocabulary"])
            return cls(data["max_document_length"], data["min_frequency"], vocab,
                       tokenizer_fn)
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{filename} is not a saved VocabularyProcessor: {e}") from None


class ByteProcessor:
    """Documents as their UTF-8 bytes (``uint8``), cut or 0-padded to a fixed length."""

    def __init__(self, max_document_length: int) -> None:
        self.max_document_length = max_document_length

    def fit(self, x: Any) -> ByteProcessor:
        """Nothing to learn."""
        return self

    def fit_transform(self, x: Iterable[str | bytes]) -> Iterator[np.ndarray]:
        """Same as ``transform``."""
        return self.transform(x)

    def transform(self, x: Iterable[str | bytes]) -> Iterator[np.ndarray]:
        """Yields ``uint8[max_document_length]`` per document."""
        for document in x:
            raw = document.encode("utf-8") if isinstance(document, str) else bytes(document)
            buf = np.frombuffer(raw[:self.max_document_length], dtype=np.uint8)
            yield np.pad(buf, (0, self.max_document_length - len(buf)), "constant")

    def reverse(self, x: Iterable[np.ndarray]) -> Iterator[str]:
        """Yields the decoded text (trailing zeros dropped; '' when not UTF-8)."""
        for data in x:
            raw = np.trim_zeros(np.asarray(data).astype(np.uint8), trim="b").tobytes()
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ""


__all__ = ["VocabularyProcessor", "CategoricalVocabulary", "ByteProcessor", "tokenizer",
           "TOKENIZER_RE"]
