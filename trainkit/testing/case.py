"""``tf.test.TestCase``: a ``unittest.TestCase`` with TF1's session helpers and
NumPy-array assertions, so TF1 unit tests run on trainkit as written.

Each test starts on a fresh default graph whose graph-level seed is TF's test seed
(87654321), with Python's and NumPy's generators seeded the same way. ``self.session()``
opens a new session on the default graph (or ``graph``) and makes it and its graph the
defaults inside the block; ``self.cached_session()`` / ``self.test_session()`` return
one session kept for the whole test; ``self.evaluate(x)`` runs ``x`` in the default
session (else the cached one).

The assertions take tensors, NumPy values and Python values; ``assertAllClose`` also takes
nests of dicts, lists, tuples and namedtuples and names the failing key path. Tolerances
are TF's: ``rtol=atol=1e-6``, as ``numpy.allclose`` (``|a - b| <= atol + rtol * |b|``).

Differs from TF: ``use_gpu`` and ``force_gpu`` are accepted and ignored (trainkit runs
every op on the CPU).

Example:
    >>> class SquareTest(TestCase):
    ...     def test_square(self):
    ...         with self.cached_session():
    ...             x = square([2.0, 3.0])         # doctest: +SKIP
    ...             self.assertAllClose(self.evaluate(x), [4.0, 9.0])
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import random
import re
import tempfile
import unittest
from collections.abc import Iterator
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.client.session import Session
from trainkit.framework import default_graph, device_spec
from trainkit.framework.default_session import get_default_session
from trainkit.framework.tensor import Tensor
from trainkit.ops.tensor_checks import is_tensor
from trainkit.testing import environment
from trainkit.testing.absl_assertions import AbslAssertions

DEFAULT_GRAPH_SEED = 87654321  # TF's seed for tests (random_seed.DEFAULT_GRAPH_SEED)


class TestCase(AbslAssertions, unittest.TestCase):
    """Base class for TF1-style unit tests (``tf.test.TestCase``), with absl's container
    assertions (``assertSameElements``, ``assertLen`` ...) as TF's has them."""

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)
        self._cached_session: Session | None = None
        self._cached_graph: Any = None
        self._cached_config: Any = None
        self._tempdir: str | None = None

    def setUp(self) -> None:
        super().setUp()
        self._clear_cached_session()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        # A test that failed inside ``with g.as_default()`` may leave the stack non-empty.
        default_graph.default_graph_stack.stack.clear()
        default_graph.reset_default_graph()
        default_graph.get_default_graph().seed = DEFAULT_GRAPH_SEED
        if self.id().endswith(".test_session"):  # unittest collects the helper by its name
            self.skipTest("Not a test.")

    def tearDown(self) -> None:
        self._clear_cached_session()
        super().tearDown()

    def _clear_cached_session(self) -> None:
        if self._cached_session is not None:
            self._cached_session.close()
            self._cached_session = None

    def get_temp_dir(self) -> str:
        """A directory of this test's own (the same one for every call in the test)."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(dir=environment.get_temp_dir())
        return self._tempdir

    # -- sessions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _as_defaults(self, sess: Session) -> Iterator[Session]:
        with sess.graph.as_default(), sess.as_default():
            yield sess

    @contextlib.contextmanager
    def session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                force_gpu: bool = False) -> Iterator[Session]:
        """A new session on ``graph`` (default: the default graph), closed after the block;
        it and its graph are the defaults inside it."""
        del use_gpu, force_gpu
        with Session(graph=graph, config=config) as sess:
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                       force_gpu: bool = False) -> Iterator[Session]:
        """The session kept for this whole test (created on first use, closed in
        ``tearDown``).

        Raises:
            ValueError: if ``graph`` or ``config`` differ from the first call's.
        """
        del use_gpu, force_gpu
        with self._as_defaults(self._get_cached_session(graph, config, strict=True)) as s:
            yield s

    @contextlib.contextmanager
    def test_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                     force_gpu: bool = False) -> Iterator[Session]:
        """TF1's older name: the cached session, or a new one when ``graph`` is given."""
        if graph is not None:
            with self.session(graph, config, use_gpu, force_gpu) as sess:
                yield sess
            return
        with self._as_defaults(self._get_cached_session(None, config, strict=False)) as s:
            yield s

    def _get_cached_session(self, graph: Any, config: Any, strict: bool) -> Session:
        if self._cached_session is None:
            self._cached_session = Session(graph=graph, config=config)
            self._cached_graph, self._cached_config = graph, config
        elif strict and self._cached_graph is not graph:
            raise ValueError("The graph used to get the cached session is different than the "
                             "one that was used to create the session. Maybe create a new "
                             "session with self.session()")
        elif strict and self._cached_config is not config:
            raise ValueError("The config used to get the cached session is different than the "
                             "one that was used to create the session. Maybe create a new "
                             "session with self.session()")
        return self._cached_session

    def evaluate(self, tensors: Any) -> Any:
        """The NumPy values of a tensor or a nest of tensors, run in the default session
        (or the cached one when there is none)."""
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.test_session() as sess:
            return sess.run(tensors)

    # -- assertions -----------------------------------------------------------------------
    def _ndarray(self, a: Any) -> np.ndarray:
        if is_tensor(a):
            a = self.evaluate(a)
        if isinstance(a, np.ndarray):
            return a
        try:
            return np.array(a)
        except ValueError as e:
            if "inhomogeneous shape" in str(e):
                return np.array(a, dtype=object)
            raise

    def _evaluate_if_both_tensors(self, a: Any, b: Any) -> tuple[Any, Any]:
        if is_tensor(a) and is_tensor(b):
            return tuple(self.evaluate((a, b)))
        return a, b

    def _assert_array_like_all_close(self, a: Any, b: Any, rtol: float, atol: float,
                                     msg: str) -> None:
        a, b = self._evaluate_if_both_tensors(a, b)
        a, b = self._ndarray(a), self._ndarray(b)
        self.assertEqual(a.shape, b.shape,
                         f"Shape mismatch: expected {a.shape}, got {b.shape}. {msg}")
        if not np.allclose(a, b, rtol=rtol, atol=atol):
            bad = np.logical_or(np.abs(a - b) > atol + rtol * np.abs(b),
                                np.isnan(a) != np.isnan(b))
            where = np.nonzero(bad) if a.ndim else ()
            detail = [msg, f"not close where = {where}", f"not close lhs = {a[where]}",
                      f"not close rhs = {b[where]}", f"dtype = {a.dtype}, shape = {a.shape}"]
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg="\n".join(detail))

    def _assert_all_close_nested(self, a: Any, b: Any, rtol: float, atol: float,
                                 path: list, msg: str) -> None:
        where = "".join(f"[{p}]" for p in path)
        a = a._asdict() if hasattr(a, "_asdict") else a
        b = b._asdict() if hasattr(b, "_asdict") else b
        a_is_dict = isinstance(a, collections.abc.Mapping)
        if a_is_dict != isinstance(b, collections.abc.Mapping):
            raise ValueError(f"Can't compare dict to non-dict, a{where} vs b{where}. {msg}")
        if a_is_dict:
            self.assertCountEqual(a.keys(), b.keys(),
                                  msg=f"mismatched keys: a{where} has keys {list(a)}, but "
                                      f"b{where} has keys {list(b)}. {msg}")
            for k in a:
                self._assert_all_close_nested(a[k], b[k], rtol, atol, [*path, k], msg)
            return
        mismatch = f"Mismatched value: a{where} is different from b{where}. {msg}"
        if isinstance(a, list | tuple):
            try:  # a whole array at once when it converts, element by element otherwise
                self._assert_array_like_all_close(a, b, rtol, atol, mismatch)
                return
            except (ValueError, TypeError):
                if len(a) != len(b):
                    raise ValueError(f"Mismatched length: a{where} has {len(a)} items, but "
                                     f"b{where} has {len(b)} items. {msg}") from None
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                self._assert_all_close_nested(x, y, rtol, atol, [*path, i], msg)
            return
        self._assert_array_like_all_close(a, b, rtol, atol, mismatch)

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,
                       msg: str | None = None) -> None:
        """``a`` and ``b`` (arrays, tensors or nests of them) are equal within
        ``atol + rtol * |b|`` element-wise; NaNs match NaNs.

        Raises:
            AssertionError: when they are not close or their shapes differ.
            ValueError: when the nests differ (a dict against a non-dict, two lengths).
        """
        self._assert_all_close_nested(a, b, rtol, atol, [], msg or "")

    def assertAllCloseAccordingToType(self, a: Any, b: Any, rtol: float = 1e-6,
                                      atol: float = 1e-6, float_rtol: float = 1e-6,
                                      float_atol: float = 1e-6, half_rtol: float = 1e-3,
                                      half_atol: float = 1e-3, bfloat16_rtol: float = 1e-2,
                                      bfloat16_atol: float = 1e-2,
                                      msg: str | None = None) -> None:
        """:meth:`assertAllClose` with the looser tolerance of the lower precision seen."""
        del bfloat16_rtol, bfloat16_atol  # trainkit has no bfloat16
        a, b = self._evaluate_if_both_tensors(a, b)
        a, b = self._ndarray(a), self._ndarray(b)
        kinds = {a.dtype, b.dtype}
        if kinds & {np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if np.dtype(np.float16) in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,
                          msg: str | None = None) -> None:
        """Fails when ``a`` and ``b`` are close at every element."""
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)
        except AssertionError:
            return
        raise AssertionError(f"The two values are close at all elements. {msg or ''}")

    def assertAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        """``a`` and ``b`` have the same shape and values (NaN equals NaN for floats)."""
        msg = msg or ""
        a, b = self._evaluate_if_both_tensors(a, b)
        a, b = self._ndarray(a), self._ndarray(b)
        self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                           f"{b.shape}. Contents: {b!r}. \n{msg}.")
        same = a == b
        if a.dtype.kind == "f" or a.dtype.kind == "c":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if not np.all(same):
            where = np.nonzero(np.logical_not(same)) if a.ndim else ()
            detail = [msg, f"not equal where = {where}", f"not equal lhs = {a[where]!r}",
                      f"not equal rhs = {b[where]!r}"]
            np.testing.assert_array_equal(a, b, err_msg="\n".join(detail))

    def assertNotAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        """Fails when ``a`` and ``b`` are equal at every element."""
        try:
            self.assertAllEqual(a, b, msg)
        except AssertionError:
            return
        raise AssertionError(f"The two values are equal at all elements. {msg or ''}")

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:
        """Every element of ``a`` is > ``comparison_target``."""
        self.assertGreater(np.min(self._ndarray(a)), comparison_target)

    def assertAllGreaterEqual(self, a: Any, comparison_target: Any) -> None:
        """Every element of ``a`` is >= ``comparison_target``."""
        self.assertGreaterEqual(np.min(self._ndarray(a)), comparison_target)

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:
        """Every element of ``a`` is < ``comparison_target``."""
        self.assertLess(np.max(self._ndarray(a)), comparison_target)

    def assertAllLessEqual(self, a: Any, comparison_target: Any) -> None:
        """Every element of ``a`` is <= ``comparison_target``."""
        self.assertLessEqual(np.max(self._ndarray(a)), comparison_target)

    def assertAllInRange(self, target: Any, lower_bound: Any, upper_bound: Any,
                         open_lower_bound: bool = False, open_upper_bound: bool = False
                         ) -> None:
        """Every element of ``target`` lies in the range (closed unless opened); NaN fails."""
        a = self._ndarray(target)
        if not np.issubdtype(a.dtype, np.number):
            raise AssertionError(f"The value of {target} does not have an ordered numeric "
                                 f"type, instead it has type: {a.dtype}")
        nan = np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, bool)
        if np.any(nan):
            raise AssertionError(f"{int(nan.sum())} of the {a.size} element(s) are NaN. "
                                 f"Subscripts(s) and value(s) of the NaN element(s):\n"
                                 f"{np.argwhere(nan).tolist()}")
        low = a <= lower_bound if open_lower_bound else a < lower_bound
        high = a >= upper_bound if open_upper_bound else a > upper_bound
        bad = np.logical_or(low, high)
        if np.any(bad):
            brackets = ("(" if open_lower_bound else "[") + f"{lower_bound}, {upper_bound}" + (
                ")" if open_upper_bound else "]")
            raise AssertionError(f"{int(bad.sum())} of the {a.size} element(s) are outside the "
                                 f"range {brackets}. Subscript(s) and value(s) of the "
                                 f"offending elements:\n{np.argwhere(bad).tolist()} "
                                 f"{a[bad].tolist()}")

    def assertAllInSet(self, target: Any, expected_set: Any) -> None:
        """Every element of ``target`` is one of ``expected_set``."""
        a = self._ndarray(target)
        missing = np.setdiff1d(a.reshape(-1), np.array(list(expected_set)))
        if missing.size:
            raise AssertionError(f"{missing.size} unique element(s) are not in the set "
                                 f"{expected_set}: {missing}")

    def assertItemsEqual(self, first: Any, second: Any, msg: str | None = None) -> None:
        """The two sequences hold the same elements, counted (absl's name for
        ``assertCountEqual``, used by TF1 tests)."""
        self.assertCountEqual(first, second, msg)

    def assertRaisesRegexp(self, *args: Any, **kwargs: Any) -> Any:
        """``assertRaisesRegex`` under its older name (gone from Python 3.12's unittest)."""
        return self.assertRaisesRegex(*args, **kwargs)

    def assertNear(self, f1: Any, f2: Any, err: float, msg: str | None = None) -> None:
        """``|f1 - f2| <= err`` (equal infinities pass)."""
        f1, f2 = np.squeeze(f1), np.squeeze(f2)
        if f1 != f2:
            diff = math.fabs(f1 - f2)
            note = f" ({msg})" if msg is not None else ""
            self.assertTrue(diff <= err,
                            f"{f1:f} != {f2:f} +/- {err:f} (difference: {diff:g}){note}")

    def assertArrayNear(self, farray1: Any, farray2: Any, err: float,
                        msg: str | None = None) -> None:
        """Two float sequences of the same length agree within ``err`` element-wise."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2, strict=True):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1: Any, ndarray2: Any, err: float,
                          msg: str | None = None) -> None:
        """The Euclidean norm of ``ndarray1 - ndarray2`` is below ``err``."""
        self.assertTrue(bool(np.linalg.norm(ndarray1 - ndarray2) < err), msg=msg)

    def assertShapeEqual(self, input_a: Any, input_b: Any, msg: str | None = None) -> None:
        """Two NumPy values or tensors have the same (static, for tensors) shape.

        Raises:
            TypeError: if an argument is not a NumPy array/scalar or a ``Tensor``.
        """
        shapes = []
        for name, x in (("input_a", input_a), ("input_b", input_b)):
            if not isinstance(x, np.ndarray | np.generic | Tensor):
                raise TypeError(f"{name} must be a Numpy ndarray, Numpy scalar, or a Tensor."
                                f"Instead received {type(x)}")
            shapes.append(x.get_shape().as_list() if isinstance(x, Tensor) else x.shape)
        self.assertAllEqual(shapes[0], shapes[1], msg=msg)

    def assertDeviceEqual(self, device1: Any, device2: Any, msg: str | None = None) -> None:
        r"""Two device names (or ``DeviceSpec``\ s) name the same device once canonical
        (``"/cpu:0"`` equals ``"/device:CPU:0"``).

        Raises:
            ValueError: for a string that is not a device name.
        """
        first, second = device_spec.canonical_name(device1), device_spec.canonical_name(device2)
        if first != second:
            self.fail(f"Devices {first} and {second} are not equal. {msg or ''}:\n"
                      f"- {first}\n+ {second}")

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:
        """``target``'s NumPy dtype is ``expected_dtype`` (a NumPy or trainkit dtype)."""
        expected = getattr(expected_dtype, "as_numpy_dtype", expected_dtype)
        self.assertEqual(self._ndarray(target).dtype, expected)

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type: type,
                                       expected_err_re_or_predicate: Any) -> Iterator[None]:
        """The block raises ``exception_type`` whose message matches the regular
        expression (or for which the predicate returns True)."""
        predicate = expected_err_re_or_predicate
        if not callable(predicate):
            pattern = expected_err_re_or_predicate

            def predicate(e: BaseException) -> bool:
                text = e.message if isinstance(e, errors.OpError) else str(e)
                return re.search(pattern, text) is not None
        try:
            yield
        except Exception as e:  # noqa: BLE001 - any wrong exception fails the test
            if not isinstance(e, exception_type) or not predicate(e):
                raise AssertionError(f"Exception of type {type(e)}: {e}") from e
            return
        self.fail(f"{exception_type.__name__} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate: Any) -> Any:
        """The block raises a ``tk.errors.OpError`` matching the pattern or predicate."""
        return self.assertRaisesWithPredicateMatch(errors.OpError,
                                                   expected_err_re_or_predicate)


__all__ = ["TestCase", "DEFAULT_GRAPH_SEED"]
