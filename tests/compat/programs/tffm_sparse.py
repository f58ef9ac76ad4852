"""tffm, an arbitrary-order Factorization Machine in TF1 by Mikhail Trofimov and Alexander
Novikov (geffy/tffm, MIT, ``tffm/core.py``, ``utils.py``, ``base.py``, ``models.py`` at
commit 03c246e, the last before ``core.py``'s default optimizer was renamed to a
nonexistent ``tf.train.Adam``). ``TFFMCore.build_graph``: a ``tf.Graph()`` with
``graph.seed`` set, ``tf.random_uniform`` embeddings wrapped in
``tf.verify_tensor_all_finite``, a ``tf.SparseTensor`` built from three placeholders
(indices, values, shape) fed from COO triples, ``tf.sparse_tensor_dense_matmul`` and a
``SparseTensor`` of ``tf.pow``ed values for the order-3 interactions (``utils.
powers_and_coefs``' inclusion-exclusion terms), feature counts from
``tf.sparse_reduce_sum(keep_dims=True)`` of an indicator ``SparseTensor`` reweighting the
L2 penalty, the logistic loss ``tf.minimum(log(1 + exp(-y * transpose(outputs))), 100)``
weighted per sample, ``tf.summary.scalar``s merged and written each step by a
``FileWriter`` given the graph, ``tf.train.Saver``. ``TFFMBaseModel._fit`` feeds
``batcher``'s mini-batches of a ``np.random.permutation`` (seeded) per epoch. A second
model, a dense order-2 ``TFFMRegressor`` with ``use_diag=True`` trained by Adagrad, is
saved with ``save_state`` and loaded into a fresh model with ``load_state``.

Adapted: generated click data (user, item and hour one-hot fields plus two numeric
columns; labels from a hidden FM) instead of the notebooks' datasets; ``scipy.sparse``
CSR input replaced by a dense array wrapper with the ``tocoo()`` rows, columns and data
``batch_to_feeddict`` reads (same canonical order); the base class without scikit-learn's
``BaseEstimator`` and ``tqdm``; ``get_shorter_decompositions``' ``np.unique`` of ragged
tuples (an object array in the NumPy of its time) spelled out for NumPy 2; both backends
given the same starting weights after a ``fit(n_epochs=0)`` builds the graph (the way
``test.py`` inspects a model); docstrings shortened."""

# ruff: noqa: UP031, UP032 - the authors' string formatting is kept

from __future__ import annotations

import glob
import itertools
import math
import os
import tempfile
from collections import defaultdict
from itertools import combinations_with_replacement, count, takewhile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"intercept": 1e-4, "weights_sum": 1e-4, "proba_sum": 1e-4, "accuracy": 0.0,
           "tags": 0.0, "target_events": 0.0, "last_target": 1e-4, "reg_mse": 1e-4,
           "reg_reloaded_equal": 0.0, "reg_intercept": 1e-4}


# ---- tffm/utils.py (the NumPy half) ----

def get_shorter_decompositions(basic_decomposition):
    """Returns all arrays simpler than basic_decomposition."""
    order = int(np.sum(basic_decomposition))
    decompositions = []
    variations = defaultdict(lambda: [])
    for curr_len in range(1, len(basic_decomposition)):
        for sum_rule in combinations_with_replacement(range(curr_len), order):
            sum_rule = np.array(sum_rule)
            curr_pows = np.array([np.sum(sum_rule == i) for i in range(curr_len)])
            curr_pows = curr_pows[curr_pows != 0]
            sorted_pow = tuple(np.sort(curr_pows))
            variations[sorted_pow].append(tuple(curr_pows))
            decompositions.append(sorted_pow)
    if len(decompositions) > 1:
        # np.unique of these ragged tuples: an object array under the NumPy of its time.
        decompositions = np.array(sorted(set(decompositions)) + [None], dtype=object)[:-1]
        counts = np.zeros(decompositions.shape[0])
        for i, dec in enumerate(decompositions):
            counts[i] = len(np.unique(variations[dec]))
    else:
        counts = np.ones(1)
    return decompositions, counts


def sort_topologically(children_by_node, node_list):
    """Topological sort of a graph."""
    levels_by_node = {}
    nodes_by_level = defaultdict(set)

    def walk_depth_first(node):
        if node in levels_by_node:
            return levels_by_node[node]
        children = children_by_node[node]
        level = 0 if not children else (1 + max(walk_depth_first(lname)
                                                for lname, _ in children))
        levels_by_node[node] = level
        nodes_by_level[level].add(node)
        return level

    for node in node_list:
        walk_depth_first(node)

    nodes_by_level = list(takewhile(lambda x: x != [],
                                    (list(nodes_by_level[i]) for i in count())))
    return list(itertools.chain.from_iterable(nodes_by_level))


def initial_coefficient(decomposition):
    """Compute initial coefficient of the decomposition."""
    order = np.sum(decomposition)
    coef = math.factorial(order)
    coef /= np.prod([math.factorial(x) for x in decomposition])
    _, counts = np.unique(decomposition, return_counts=True)
    coef /= np.prod([math.factorial(c) for c in counts])
    return coef


def powers_and_coefs(order):
    """For a `order`-way FM returns the powers and their coefficients needed to
    compute model equation efficiently
    """
    decompositions, _ = get_shorter_decompositions(np.ones(order))
    graph = defaultdict(lambda: list())
    graph_reversed = defaultdict(lambda: list())
    for dec in decompositions:
        parents, weights = get_shorter_decompositions(dec)
        for i in range(len(parents)):
            graph[parents[i]].append((dec, weights[i]))
            graph_reversed[dec].append((parents[i], weights[i]))

    topo_order = sort_topologically(graph, decompositions)

    final_coefs = defaultdict(lambda: 0)
    for node in topo_order:
        final_coefs[node] += initial_coefficient(node)
        for p, w in graph_reversed[node]:
            final_coefs[p] -= w * final_coefs[node]
    powers_and_coefs_list = []
    for dec, c in final_coefs.items():
        in_pows, out_pows = np.unique(dec, return_counts=True)
        powers_and_coefs_list.append((in_pows, out_pows, c))

    return powers_and_coefs_list


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---- tffm/base.py (the NumPy half) ----

def batcher(X_, y_=None, w_=None, batch_size=-1):
    """Split data to mini-batches."""
    n_samples = X_.shape[0]

    if batch_size == -1:
        batch_size = n_samples
    if batch_size < 1:
        raise ValueError('Parameter batch_size={} is unsupported'.format(batch_size))

    for i in range(0, n_samples, batch_size):
        upper_bound = min(i + batch_size, n_samples)
        ret_x = X_[i:upper_bound]
        ret_y = None
        ret_w = None
        if y_ is not None:
            ret_y = y_[i:i + batch_size]
        if w_ is not None:
            ret_w = w_[i:i + batch_size]
        yield (ret_x, ret_y, ret_w)


class _CSR:
    """The part of ``scipy.sparse.csr_matrix`` tffm uses: ``shape``, row indexing and
    ``tocoo()`` (row-major nonzeros, scipy's canonical order)."""

    def __init__(self, dense):
        self._dense = np.asarray(dense)
        self.shape = self._dense.shape

    def __getitem__(self, rows):
        return _CSR(self._dense[rows])

    def tocoo(self):
        row, col = np.nonzero(self._dense)
        return SimpleNamespace(row=row, col=col, data=self._dense[row, col],
                               shape=self.shape)


def build(tf):
    """``utils.py``'s TF half, ``core.py``, ``base.py`` and ``models.py`` over ``tf``."""

    # ---- tffm/utils.py (the TF half) ----

    def matmul_wrapper(A, B, optype):
        """Wrapper for handling sparse and dense versions of `tf.matmul` operation."""
        with tf.name_scope('matmul_wrapper') as scope:  # noqa: F841
            if optype == 'dense':
                return tf.matmul(A, B)
            elif optype == 'sparse':
                return tf.sparse_tensor_dense_matmul(A, B)
            else:
                raise NameError('Unknown input type in matmul_wrapper')

    def pow_wrapper(X, p, optype):
        """Wrapper for handling sparse and dense versions of `tf.pow` operation."""
        with tf.name_scope('pow_wrapper') as scope:  # noqa: F841
            if optype == 'dense':
                return tf.pow(X, p)
            elif optype == 'sparse':
                return tf.SparseTensor(X.indices, tf.pow(X.values, p), X.dense_shape)
            else:
                raise NameError('Unknown input type in pow_wrapper')

    def count_nonzero_wrapper(X, optype):
        """Wrapper for handling sparse and dense versions of `tf.count_nonzero`."""
        with tf.name_scope('count_nonzero_wrapper') as scope:  # noqa: F841
            if optype == 'dense':
                return tf.count_nonzero(X, axis=0, keep_dims=True)
            elif optype == 'sparse':
                indicator_X = tf.SparseTensor(X.indices, tf.ones_like(X.values), X.dense_shape)
                return tf.sparse_reduce_sum(indicator_X, axis=0, keep_dims=True)
            else:
                raise NameError('Unknown input type in count_nonzero_wrapper')

    def loss_logistic(outputs, y):
        margins = -y * tf.transpose(outputs)
        raw_loss = tf.log(tf.add(1.0, tf.exp(margins)))
        return tf.minimum(raw_loss, 100, name='truncated_log_loss')

    def loss_mse(outputs, y):
        return tf.pow(y - tf.transpose(outputs), 2, name='mse_loss')

    utils = SimpleNamespace(matmul_wrapper=matmul_wrapper, pow_wrapper=pow_wrapper,
                            count_nonzero_wrapper=count_nonzero_wrapper,
                            powers_and_coefs=powers_and_coefs)

    # ---- tffm/core.py ----

    class TFFMCore:
        """This class implements underlying routines about creating computational graph."""

        def __init__(self, order=2, rank=2, input_type='dense', loss_function=None,
                     optimizer=tf.train.AdamOptimizer(learning_rate=0.01), reg=0,
                     init_std=0.01, use_diag=False, reweight_reg=False,
                     seed=None):
            self.order = order
            self.rank = rank
            self.use_diag = use_diag
            self.input_type = input_type
            self.optimizer = optimizer
            self.reg = reg
            self.reweight_reg = reweight_reg
            self.init_std = init_std
            self.seed = seed
            self.n_features = None
            self.graph = None
            self.loss_function = loss_function

        def set_num_features(self, n_features):
            self.n_features = n_features

        def init_learnable_params(self):
            self.w = [None] * self.order
            for i in range(1, self.order + 1):
                r = self.rank
                if i == 1:
                    r = 1
                rnd_weights = tf.random_uniform([self.n_features, r], -self.init_std,
                                                self.init_std)
                self.w[i - 1] = tf.verify_tensor_all_finite(
                    tf.Variable(rnd_weights, trainable=True, name='embedding_' + str(i)),
                    msg='NaN or Inf in w[{}].'.format(i - 1))
            self.b = tf.Variable(self.init_std, trainable=True, name='bias')
            tf.summary.scalar('bias', self.b)

        def init_placeholders(self):
            if self.input_type == 'dense':
                self.train_x = tf.placeholder(tf.float32, shape=[None, self.n_features],
                                              name='x')
            else:
                with tf.name_scope('sparse_placeholders') as scope:  # noqa: F841
                    self.raw_indices = tf.placeholder(tf.int64, shape=[None, 2],
                                                      name='raw_indices')
                    self.raw_values = tf.placeholder(tf.float32, shape=[None], name='raw_data')
                    self.raw_shape = tf.placeholder(tf.int64, shape=[2], name='raw_shape')
                # tf.sparse_reorder is not needed since scipy return COO in canonical order
                self.train_x = tf.SparseTensor(self.raw_indices, self.raw_values,
                                               self.raw_shape)
            self.train_y = tf.placeholder(tf.float32, shape=[None], name='Y')
            self.train_w = tf.placeholder(tf.float32, shape=[None], name='sample_weights')

        def pow_matmul(self, order, pow):
            if pow not in self.x_pow_cache:
                x_pow = utils.pow_wrapper(self.train_x, pow, self.input_type)
                self.x_pow_cache[pow] = x_pow
            if order not in self.matmul_cache:
                self.matmul_cache[order] = {}
            if pow not in self.matmul_cache[order]:
                w_pow = tf.pow(self.w[order - 1], pow)
                dot = utils.matmul_wrapper(self.x_pow_cache[pow], w_pow, self.input_type)
                self.matmul_cache[order][pow] = dot
            return self.matmul_cache[order][pow]

        def init_main_block(self):
            self.x_pow_cache = {}
            self.matmul_cache = {}
            self.outputs = self.b
            with tf.name_scope('linear_part') as scope:  # noqa: F841
                contribution = utils.matmul_wrapper(self.train_x, self.w[0], self.input_type)
            self.outputs += contribution
            for i in range(2, self.order + 1):
                with tf.name_scope('order_{}'.format(i)) as scope:  # noqa: F841
                    raw_dot = utils.matmul_wrapper(self.train_x, self.w[i - 1],
                                                   self.input_type)
                    dot = tf.pow(raw_dot, i)
                    if self.use_diag:
                        contribution = tf.reshape(tf.reduce_sum(dot, [1]), [-1, 1])
                        contribution /= 2.0**(i - 1)
                    else:
                        initialization_shape = tf.shape(dot)
                        for in_pows, out_pows, coef in utils.powers_and_coefs(i):
                            product_of_pows = tf.ones(initialization_shape)
                            for pow_idx in range(len(in_pows)):
                                pmm = self.pow_matmul(i, in_pows[pow_idx])
                                product_of_pows *= tf.pow(pmm, out_pows[pow_idx])
                            dot -= coef * product_of_pows
                        contribution = tf.reshape(tf.reduce_sum(dot, [1]), [-1, 1])
                        contribution /= float(math.factorial(i))
                self.outputs += contribution

        def init_regularization(self):
            with tf.name_scope('regularization') as scope:  # noqa: F841
                self.regularization = 0
                with tf.name_scope('reweights') as scope:  # noqa: F841
                    if self.reweight_reg:
                        counts = utils.count_nonzero_wrapper(self.train_x, self.input_type)
                        sqrt_counts = tf.transpose(tf.sqrt(tf.to_float(counts)))
                    else:
                        sqrt_counts = tf.ones_like(self.w[0])
                    self.reweights = sqrt_counts / tf.reduce_sum(sqrt_counts)
                for order in range(1, self.order + 1):
                    node_name = 'regularization_penalty_' + str(order)
                    norm = tf.reduce_mean(tf.pow(self.w[order - 1] * self.reweights, 2),
                                          name=node_name)
                    tf.summary.scalar('penalty_W_{}'.format(order), norm)
                    self.regularization += norm
                tf.summary.scalar('regularization_penalty', self.regularization)

        def init_loss(self):
            with tf.name_scope('loss') as scope:  # noqa: F841
                self.loss = self.loss_function(self.outputs, self.train_y) * self.train_w
                self.reduced_loss = tf.reduce_mean(self.loss)
                tf.summary.scalar('loss', self.reduced_loss)

        def init_target(self):
            with tf.name_scope('target') as scope:  # noqa: F841
                self.target = self.reduced_loss + self.reg * self.regularization
                self.checked_target = tf.verify_tensor_all_finite(
                    self.target,
                    msg='NaN or Inf in target value',
                    name='target')
                tf.summary.scalar('target', self.checked_target)

        def build_graph(self):
            """Build computational graph according to params."""
            assert self.n_features is not None, \
                'Number of features is unknown. It can be set explicitly by ' \
                '.core.set_num_features'
            self.graph = tf.Graph()
            self.graph.seed = self.seed
            with self.graph.as_default():
                with tf.name_scope('learnable_params') as scope:  # noqa: F841
                    self.init_learnable_params()
                with tf.name_scope('input_block') as scope:  # noqa: F841
                    self.init_placeholders()
                with tf.name_scope('main_block') as scope:  # noqa: F841
                    self.init_main_block()
                with tf.name_scope('optimization_criterion') as scope:  # noqa: F841
                    self.init_regularization()
                    self.init_loss()
                    self.init_target()
                self.trainer = self.optimizer.minimize(self.checked_target)
                self.init_all_vars = tf.global_variables_initializer()
                self.summary_op = tf.summary.merge_all()
                self.saver = tf.train.Saver()

    # ---- tffm/base.py ----

    def batch_to_feeddict(X, y, w, core):
        """Prepare feed dict for session.run() from mini-batch."""
        fd = {}
        if core.input_type == 'dense':
            fd[core.train_x] = X.astype(np.float32)
        else:
            # sparse case
            X_sparse = X.tocoo()
            fd[core.raw_indices] = np.hstack(
                (X_sparse.row[:, np.newaxis], X_sparse.col[:, np.newaxis])
            ).astype(np.int64)
            fd[core.raw_values] = X_sparse.data.astype(np.float32)
            fd[core.raw_shape] = np.array(X_sparse.shape).astype(np.int64)
        if y is not None:
            fd[core.train_y] = y.astype(np.float32)
        if w is not None:
            fd[core.train_w] = w.astype(np.float32)
        return fd

    class TFFMBaseModel:
        """Base class for FM."""

        def init_basemodel(self, n_epochs=100, batch_size=-1,
                           log_dir=None, session_config=None,
                           verbose=0, seed=None, sample_weight=None,
                           pos_class_weight=None, **core_arguments):
            core_arguments['seed'] = seed
            self.core = TFFMCore(**core_arguments)
            self.batch_size = batch_size
            self.n_epochs = n_epochs
            self.need_logs = log_dir is not None
            self.log_dir = log_dir
            self.session_config = session_config
            self.verbose = verbose
            self.steps = 0
            self.seed = seed
            self.sample_weight = sample_weight
            self.pos_class_weight = pos_class_weight

        def initialize_session(self):
            """Start computational session on builded graph."""
            if self.core.graph is None:
                raise RuntimeError('Graph not found. Try call .core.build_graph() before '
                                   '.initialize_session()')
            if self.need_logs:
                self.summary_writer = tf.summary.FileWriter(self.log_dir, self.core.graph)
            self.session = tf.Session(config=self.session_config, graph=self.core.graph)
            self.session.run(self.core.init_all_vars)

        def _fit(self, X_, y_, w_, n_epochs=None, show_progress=False):
            if self.core.n_features is None:
                self.core.set_num_features(X_.shape[1])

            assert self.core.n_features == X_.shape[1], \
                'Different num of features in initialized graph and input'

            if self.core.graph is None:
                self.core.build_graph()
                self.initialize_session()

            if n_epochs is None:
                n_epochs = self.n_epochs

            # For reproducible results
            if self.seed:
                np.random.seed(self.seed)

            # Training cycle
            for epoch in range(n_epochs):
                # generate permutation
                perm = np.random.permutation(X_.shape[0])
                epoch_loss = []
                # iterate over batches
                for bX, bY, bW in batcher(X_[perm], y_=y_[perm], w_=w_[perm],
                                          batch_size=self.batch_size):
                    fd = batch_to_feeddict(bX, bY, bW, core=self.core)
                    ops_to_run = [self.core.trainer, self.core.target, self.core.summary_op]
                    result = self.session.run(ops_to_run, feed_dict=fd)
                    _, batch_target_value, summary_str = result
                    epoch_loss.append(batch_target_value)
                    # write stats
                    if self.need_logs:
                        self.summary_writer.add_summary(summary_str, self.steps)
                        self.summary_writer.flush()
                    self.steps += 1
                if self.verbose > 1:
                    print('[epoch {}]: mean target value: {}'.format(epoch,
                                                                     np.mean(epoch_loss)))

        def decision_function(self, X, pred_batch_size=None):
            if self.core.graph is None:
                raise RuntimeError("Call fit before prediction")
            output = []
            if pred_batch_size is None:
                pred_batch_size = self.batch_size

            for bX, bY, bW in batcher(X, y_=None, w_=None, batch_size=pred_batch_size):
                fd = batch_to_feeddict(bX, bY, bW, core=self.core)
                output.append(self.session.run(self.core.outputs, feed_dict=fd))
            distances = np.concatenate(output).reshape(-1)
            # WARNING: be careful with this reshape in case of multiclass
            return distances

        @property
        def intercept(self):
            """Export bias term from tf.Variable to float."""
            return self.core.b.eval(session=self.session)

        @property
        def weights(self):
            """Export underlying weights from tf.Variables to np.arrays."""
            return [x.eval(session=self.session) for x in self.core.w]

        def save_state(self, path):
            self.core.saver.save(self.session, path)

        def load_state(self, path):
            if self.core.graph is None:
                self.core.build_graph()
                self.initialize_session()
            self.core.saver.restore(self.session, path)

        def destroy(self):
            """Terminates session and destroyes graph."""
            self.session.close()
            self.core.graph = None

    # ---- tffm/models.py ----

    class TFFMClassifier(TFFMBaseModel):
        """Factorization Machine (aka FM)."""

        def __init__(self, **init_params):
            assert 'loss_function' not in init_params
            init_params['loss_function'] = loss_logistic
            self.init_basemodel(**init_params)

        def _preprocess_sample_weights(self, sample_weight, pos_class_weight, used_y):
            assert sample_weight is None or pos_class_weight is None, \
                "sample_weight and pos_class_weight are mutually exclusive parameters"
            used_w = np.ones_like(used_y)
            if sample_weight is None and pos_class_weight is None:
                return used_w
            if type(pos_class_weight) is float:
                used_w[used_y > 0] = pos_class_weight
            elif sample_weight == "balanced":
                pos_rate = np.mean(used_y > 0)
                neg_rate = 1 - pos_rate
                used_w[used_y > 0] = neg_rate / pos_rate
                used_w[used_y < 0] = 1.0
                return used_w
            elif type(sample_weight) is np.ndarray and len(sample_weight.shape) == 1:
                used_w = sample_weight
            else:
                raise ValueError("Unexpected type for sample_weight or pos_class_weight "
                                 "parameters.")
            return used_w

        def fit(self, X, y, sample_weight=None, pos_class_weight=None, n_epochs=None,
                show_progress=False):
            # preprocess Y: suppose input {0, 1}, but internally will use {-1, 1} labels
            if not (set(y) == set([0, 1])):
                raise ValueError("Input labels must be in set {0,1}.")
            used_y = y * 2 - 1

            if sample_weight is not None:
                self.sample_weight = sample_weight
            if pos_class_weight is not None:
                self.pos_class_weight = pos_class_weight
            used_w = self._preprocess_sample_weights(self.sample_weight,
                                                     self.pos_class_weight, used_y)
            self._fit(X_=X, y_=used_y, w_=used_w, n_epochs=n_epochs,
                      show_progress=show_progress)

        def predict(self, X, pred_batch_size=None):
            """Predict using the FM model"""
            raw_output = self.decision_function(X, pred_batch_size)
            predictions = (raw_output > 0).astype(int)
            return predictions

        def predict_proba(self, X, pred_batch_size=None):
            """Probability estimates."""
            outputs = self.decision_function(X, pred_batch_size)
            probs_positive = sigmoid(outputs)
            probs_negative = 1 - probs_positive
            probs = np.vstack((probs_negative.T, probs_positive.T))
            return probs.T

    class TFFMRegressor(TFFMBaseModel):
        """Factorization Machine (aka FM)."""

        def __init__(self, **init_params):
            assert 'loss_function' not in init_params
            init_params['loss_function'] = loss_mse
            self.init_basemodel(**init_params)

        def fit(self, X, y, sample_weight=None, n_epochs=None, show_progress=False):
            sample_weight = np.ones_like(y) if sample_weight is None else sample_weight
            self._fit(X_=X, y_=y, w_=sample_weight, n_epochs=n_epochs,
                      show_progress=show_progress)

        def predict(self, X, pred_batch_size=None):
            """Predict using the FM model"""
            predictions = self.decision_function(X, pred_batch_size)
            return predictions

    return TFFMClassifier, TFFMRegressor


def _click_data(rng, n):
    """One-hot user (12), item (10) and hour (4) fields, two numeric columns (zero for
    a third of the rows); clicks from a hidden second-order FM."""
    fields = [12, 10, 4]
    x = np.zeros((n, sum(fields) + 2), np.float32)
    offset = 0
    for size in fields:
        x[np.arange(n), offset + rng.randint(0, size, n)] = 1.0
        offset += size
    x[:, -2:] = np.round(rng.uniform(0, 2, (n, 2)), 1) * (rng.uniform(size=(n, 1)) > 0.33)
    w = rng.normal(0, 1, x.shape[1])
    v = rng.normal(0, 0.8, (x.shape[1], 3))
    xv = x @ v
    logit = -0.3 + x @ w + 0.5 * ((xv ** 2).sum(1) - ((x ** 2) @ (v ** 2)).sum(1))
    return x, (logit > 0).astype(np.int64)


def _scalar_events(tf, logdir):
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, value.simple_value))
    return out


def main(tf):
    TFFMClassifier, TFFMRegressor = build(tf)
    rng = np.random.RandomState(3)
    x, y = _click_data(rng, 320)
    x_tr, y_tr, x_te, y_te = x[:256], y[:256], x[256:], y[256:]
    log_dir = tempfile.mkdtemp()

    model = TFFMClassifier(
        order=3,
        rank=4,
        optimizer=tf.train.AdamOptimizer(learning_rate=0.01),
        n_epochs=6,
        batch_size=64,
        init_std=0.01,
        reg=0.01,
        reweight_reg=True,
        input_type='sparse',
        log_dir=log_dir,
        seed=42,
        sample_weight="balanced",
    )
    model.fit(_CSR(x_tr), y_tr, n_epochs=0)
    with model.core.graph.as_default():
        same_start(model.session, tf)
    model.fit(_CSR(x_tr), y_tr)
    proba = model.predict_proba(_CSR(x_te))
    accuracy = float(np.mean(model.predict(_CSR(x_te)) == y_te))
    intercept = float(model.intercept)
    weights_sum = float(sum(np.abs(w).sum() for w in model.weights))
    model.summary_writer.close()
    model.destroy()
    events = _scalar_events(tf, log_dir)
    targets = events["optimization_criterion/target/target_1"]

    # A dense order-2 polynomial network, saved and loaded into a fresh model.
    target = (x @ np.linspace(-1, 1, x.shape[1]) + 0.3 * x[:, 0] * x[:, -1]).astype(np.float32)
    reg = TFFMRegressor(order=2, rank=3, optimizer=tf.train.AdagradOptimizer(0.1),
                        n_epochs=15, batch_size=-1, init_std=0.01, use_diag=True,
                        input_type='dense', seed=7)
    reg.fit(x_tr, target[:256], n_epochs=0)
    with reg.core.graph.as_default():
        same_start(reg.session, tf, seed=1)
    reg.fit(x_tr, target[:256])
    pred = reg.predict(x_te)
    path = os.path.join(tempfile.mkdtemp(), "state.tffm")
    reg.save_state(path)
    reg.destroy()
    reloaded = TFFMRegressor(order=2, rank=3, optimizer=tf.train.AdagradOptimizer(0.1),
                             n_epochs=15, batch_size=-1, init_std=0.01, use_diag=True,
                             input_type='dense', seed=7)
    reloaded.core.set_num_features(x.shape[1])
    reloaded.load_state(path)
    pred2 = reloaded.predict(x_te)
    reg_intercept = float(reloaded.intercept)
    reloaded.destroy()
    return {"intercept": intercept, "weights_sum": weights_sum,
            "proba_sum": float(proba[:, 1].sum()), "accuracy": accuracy,
            "tags": sorted(events), "target_events": [len(targets), targets[-1][0]],
            "last_target": targets[-1][1],
            "reg_mse": float(np.mean((pred - target[256:]) ** 2)),
            "reg_reloaded_equal": [bool(np.array_equal(pred, pred2))],
            "reg_intercept": reg_intercept}
