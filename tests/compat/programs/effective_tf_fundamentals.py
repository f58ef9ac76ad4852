"""Part I of vahidk/EffectiveTensorflow (branch ``v1``, ``README.md``), its TF1 snippets in
the order the page runs them: the basics (a quadratic fitted with ``tf.stack``,
``tf.squeeze(tf.matmul(...))``, ``tf.nn.l2_loss`` and Adam); static and dynamic shapes
(``set_shape``, the ``get_shape`` helper mixing ``shape.as_list()`` with
``tf.unstack(tf.shape(...))``, the ``reshape`` helper that multiplies dimensions with
``np.prod`` or ``tf.reduce_prod``); scopes (names under ``name_scope`` and
``variable_scope``, the ``ValueError`` of a second ``get_variable``, ``reuse=True``,
``tf.AUTO_REUSE`` and ``tf.make_template`` around ``tf.layers.conv2d``); broadcasting
(the tiled concat against the broadcast ``merge``, the ``reduce_sum`` of ``[[1.], [2.]] +
[1., 2.]``); feeding (a constant, a placeholder, a ``tf.py_func`` source, a one-shot
``tf.data`` iterator); the overloaded operators (the slice-by-slice sums against
``reduce_sum``, the ``TypeError`` of ``if x:``); the order of execution (``tf.assign``
under ``control_dependencies``); control flow (``tf.cond``, ``tf.where``, a Fibonacci
``tf.while_loop`` three ways: plain, growing with ``shape_invariants``, and with a
``tf.TensorArray``); a ReLU written as a ``tf.py_func`` whose gradient is a second
``py_func`` registered with ``tf.RegisterGradient`` under a uuid name and installed by
``gradient_override_map({"PyFunc": ...})``, checked with
``tf.test.compute_gradient_error``; the multi-device ``make_parallel`` (``tf.split``,
``tf.device(tf.DeviceSpec(...))``, ``variable_scope(..., reuse=tf.AUTO_REUSE)``) training
the quadratic with ``colocate_gradients_with_ops=True`` and reading ``w`` back through
``tf.contrib.framework.get_variables_by_name``; debugging (``tf.assert_rank``'s error,
``tf.Print``, the entropy through ``softmax_cross_entropy_with_logits`` whose labels get
no gradient against the differentiable ``softmax_entropy``, both measured with
``compute_gradient_error`` and maximised with Adam); numerical stability (the naive and
the stable softmax and cross entropy at ``[1000., 0.]`` and the gradient of the stable
one).

Adapted: the random data and draws are seeded NumPy values (``w`` and the entropy
weights start from fixed NumPy draws, ``tf.random_normal``/``tf.random_uniform`` inputs
are constants of NumPy draws of the same shapes, and ``np.random.seed`` comes before each
``compute_gradient_error``, which draws its own ``x`` from NumPy's global generator); the
loops are short (30 steps of the quadratic, 40 of the entropy maximisation instead of
1000 and 10000; 50 slices summed instead of 500); ``make_parallel`` places its towers on
``CPU:0`` and ``CPU:1`` instead of two GPUs, in a session with ``allow_soft_placement``
(no GPU here; TF then runs both towers on its one CPU device); each snippet runs in a
graph of its own; the timing prints and the matplotlib visualisation op are left out;
the results are returned instead of printed."""

from __future__ import annotations

import uuid

import numpy as np

from tests.compat.programs.tf_contrib import contrib

COMPARE = {"basics_loss": 1e-4, "basics_w": 1e-4, "shapes": 0.0, "reshaped": 0.0,
           "names": 0.0, "scope_errors": 0.0, "layer_variables": 0.0, "broadcast": 1e-6,
           "merge_shape": 0.0, "feeding": 1e-5, "slice_sums": 1e-5, "operators": 0.0,
           "if_error": 0.0, "ordered": 0.0, "control_flow": 0.0, "relu_grad_error": 1e-4,
           "relu_grad": 0.0, "parallel_w": 1e-4, "parallel_loss": 1e-4, "assert_error": 0.0,
           "printed": 1e-6, "entropy_errors_small": 0.0, "entropy_softmax": 1e-4,
           "unstable_nan": 0.0, "stable": 0.0, "xe": 1e-6, "xe_grad": 0.0}


def _basics(tf, out):
    rng = np.random.RandomState(0)
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    w = tf.get_variable("w", shape=[3, 1])
    f = tf.stack([tf.square(x), x, tf.ones_like(x)], 1)
    yhat = tf.squeeze(tf.matmul(f, w), 1)
    loss = tf.nn.l2_loss(yhat - y) + 0.1 * tf.nn.l2_loss(w)
    train_op = tf.train.AdamOptimizer(0.1).minimize(loss)

    def generate_data():
        x_val = rng.uniform(-10.0, 10.0, size=100)
        y_val = 5 * np.square(x_val) + 3
        return x_val, y_val

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    w.load(rng.normal(0, 0.5, (3, 1)).astype(np.float32), sess)
    for _ in range(30):
        x_val, y_val = generate_data()
        _, loss_val = sess.run([train_op, loss], {x: x_val, y: y_val})
    out["basics_loss"] = float(loss_val)
    out["basics_w"] = float(np.sum(sess.run([w])[0] * [[1.0], [2.0], [3.0]]))


def _shapes(tf, out):
    a = a_fed = tf.placeholder(tf.float32, [None, 128])
    static_shape = a.shape.as_list()  # returns [None, 128]
    dynamic_shape = tf.shape(a)
    a.set_shape([32, 128])  # static shape of a is [32, 128]
    after_set = a.shape.as_list()
    a.set_shape([None, 128])  # first dimension of a is determined dynamically
    a = tf.reshape(a, [32, 128])

    def get_shape(tensor):
        static_shape = tensor.shape.as_list()
        dynamic_shape = tf.unstack(tf.shape(tensor))
        dims = [s[1] if s[0] is None else s[0]
                for s in zip(static_shape, dynamic_shape)]
        return dims

    b = tf.placeholder(tf.float32, [None, 10, 32])
    shape = get_shape(b)
    b2 = tf.reshape(b, [shape[0], shape[1] * shape[2]])

    def reshape(tensor, dims_list):
        shape = get_shape(tensor)
        dims_prod = []
        for dims in dims_list:
            if isinstance(dims, int):
                dims_prod.append(shape[dims])
            elif all([isinstance(shape[d], int) for d in dims]):
                dims_prod.append(np.prod([shape[d] for d in dims]))
            else:
                dims_prod.append(tf.reduce_prod([shape[d] for d in dims]))
        tensor = tf.reshape(tensor, dims_prod)
        return tensor

    c = c_fed = tf.placeholder(tf.float32, [None, 10, 32])
    c = reshape(c, [0, [1, 2]])
    with tf.Session() as sess:
        feed = np.ones([3, 10, 32], np.float32)
        dyn, b2_val, c_val = sess.run([dynamic_shape, b2, c],
                                      {a_fed: np.ones([32, 128]), b: feed, c_fed: feed})
    out["shapes"] = [str(static_shape), str(after_set), dyn.tolist(), a.shape.as_list(),
                     b2.shape.as_list(), c.shape.as_list()]
    out["reshaped"] = [list(b2_val.shape), list(c_val.shape)]


def _scopes(tf, out):
    names = []
    a = tf.constant(1)
    names.append(a.name)  # prints "Const:0"
    b = tf.Variable(1)
    names.append(b.name)  # prints "Variable:0"
    a = tf.constant(1, name="a")
    b = tf.Variable(1, name="b")
    names += [a.name, b.name]
    with tf.name_scope("scope"):
        a = tf.constant(1, name="a")
        b = tf.Variable(1, name="b")
        c = tf.get_variable(name="c", shape=[])
        names += [a.name, b.name, c.name]
    with tf.variable_scope("scope"):
        a = tf.constant(1, name="a")
        b = tf.Variable(1, name="b")
        c = tf.get_variable(name="c", shape=[])
        names += [a.name, b.name, c.name]
    errors = []
    try:
        with tf.variable_scope("scope"):
            a1 = tf.get_variable(name="a", shape=[])
            a2 = tf.get_variable(name="a", shape=[])  # Disallowed
    except ValueError:
        errors.append("ValueError")
    with tf.variable_scope("scope2"):
        a1 = tf.get_variable(name="a", shape=[])
    with tf.variable_scope("scope2", reuse=True):
        a2 = tf.get_variable(name="a", shape=[])  # OK
    errors.append(a1 is a2)

    image1 = tf.constant(np.random.RandomState(1).rand(1, 8, 8, 3).astype(np.float32))
    image2 = tf.constant(np.random.RandomState(2).rand(1, 8, 8, 3).astype(np.float32))
    with tf.variable_scope('my_scope'):
        features1 = tf.layers.conv2d(image1, filters=32, kernel_size=3)
    with tf.variable_scope('my_scope', reuse=True):
        features2 = tf.layers.conv2d(image2, filters=32, kernel_size=3)
    with tf.variable_scope("scope3", reuse=tf.AUTO_REUSE):
        features1 = tf.layers.conv2d(image1, filters=32, kernel_size=3)
    with tf.variable_scope("scope3", reuse=tf.AUTO_REUSE):
        features2 = tf.layers.conv2d(image2, filters=32, kernel_size=3)
    conv3x32 = tf.make_template("conv3x32", lambda x: tf.layers.conv2d(x, 32, 3))
    features1 = conv3x32(image1)
    features2 = conv3x32(image2)  # Will reuse the convolution weights.
    del features1
    out["names"] = names
    out["scope_errors"] = errors
    out["layer_variables"] = sorted(v.name for v in tf.global_variables()
                                    if "conv" in v.name) + [features2.shape.as_list()]


def _broadcasting(tf, out):
    values = []
    a = tf.constant([[1., 2.], [3., 4.]])
    b = tf.constant([[1.], [2.]])
    c = a + b
    rng = np.random.RandomState(3)
    a3 = tf.constant(rng.uniform(size=[5, 3, 5]).astype(np.float32))
    b3 = tf.constant(rng.uniform(size=[5, 1, 6]).astype(np.float32))
    tiled_b = tf.tile(b3, [1, 3, 1])
    c3 = tf.concat([a3, tiled_b], 2)
    d = tf.layers.dense(c3, 10, activation=tf.nn.relu)

    def merge(a, b, units, activation=tf.nn.relu):
        pa = tf.layers.dense(a, units)
        pb = tf.layers.dense(b, units)
        c = pa + pb
        if activation is not None:
            c = activation(c)
        return c

    m = merge(a3, b3, 10)
    a1 = tf.constant([[1.], [2.]])
    b1 = tf.constant([1., 2.])
    s1 = tf.reduce_sum(a1 + b1)
    s0 = tf.reduce_sum(a1 + b1, 0)
    with tf.Session() as sess:
        c_val, s1_val, s0_val = sess.run([c, s1, s0])
    values = c_val.ravel().tolist() + [float(s1_val)] + s0_val.tolist()
    out["broadcast"] = float(np.dot(values, np.arange(1, len(values) + 1)))
    out["merge_shape"] = [d.shape.as_list(), m.shape.as_list()]


def _feeding(tf, out):
    rng = np.random.RandomState(4)
    actual_data = rng.normal(size=[100])
    data = tf.constant(actual_data)
    const_sum = tf.reduce_sum(data)
    data = tf.placeholder(tf.float32)
    prediction = tf.square(data) + 1
    fed = tf.Session().run(prediction, feed_dict={data: actual_data})

    def py_input_fn():
        actual_data = rng.normal(size=[100])
        return actual_data.astype(np.float32)

    data = tf.py_func(py_input_fn, [], (tf.float32))
    actual_data = rng.normal(size=[100])
    dataset = tf.data.Dataset.from_tensor_slices(actual_data)
    data2 = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        values = [sess.run(const_sum), fed.sum(), sess.run(data).sum()]
        values += [sess.run(data2) for _ in range(3)]
    out["feeding"] = float(np.dot(values, [1, 2, 3, 4, 5, 6]))


def _operators(tf, out):
    x = tf.constant(np.random.RandomState(5).uniform(size=[50, 10]).astype(np.float32))
    z = tf.zeros([10])
    for i in range(50):
        z += x[i]
    z2 = tf.zeros([10])
    for x_i in tf.unstack(x):
        z2 += x_i
    z3 = tf.reduce_sum(x, axis=0)
    sess = tf.Session()
    sums = sess.run([z, z2, z3])
    out["slice_sums"] = float(sum(s.sum() for s in sums))

    x = tf.constant([[7, -3], [4, 9]])
    y = tf.constant([[2, 5], [4, -2]])
    xf, yf = tf.cast(x, tf.float32), tf.cast(y, tf.float32)
    p, q = tf.constant([True, False, True, False]), tf.constant([True, True, False, False])
    ops = [-x, x + y, x - y, x * y, xf / yf, x // y, x % y, xf ** 2.0, x @ y, x > y,
           x >= y, x < y, x <= y, abs(x), p & q, p | q, p ^ q, ~p]
    out["operators"] = [np.asarray(v).tolist() for v in sess.run(ops)]
    x = tf.constant(1.)
    try:
        if x:  # This will raise a TypeError error
            pass
        out["if_error"] = ["none"]
    except TypeError:
        out["if_error"] = ["TypeError"]


def _order(tf, out):
    a = tf.Variable(1)
    b = tf.constant(2)
    assign = tf.assign(a, a + b)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    first = sess.run(assign)
    a = tf.Variable(1)
    b = tf.constant(2)
    c = a + b
    with tf.control_dependencies([c]):
        assign = tf.assign(a, 5)
    sess = tf.Session()
    runs = []
    for _ in range(3):
        sess.run(tf.global_variables_initializer())
        runs.append([int(v) for v in sess.run([assign, c])])
    out["ordered"] = [int(first)] + runs


def _control_flow(tf, out):
    results = []
    a = tf.constant(1)
    b = tf.constant(2)
    p = tf.constant(True)
    x = tf.cond(p, lambda: a + b, lambda: a * b)
    results.append(tf.Session().run(x).tolist())
    a = tf.constant([1, 1])
    b = tf.constant([2, 2])
    p = tf.constant([True, False])
    x = tf.where(p, a + b, a * b)
    results.append(tf.Session().run(x).tolist())

    n = tf.constant(5)

    def cond(i, a, b):
        return i < n

    def body(i, a, b):
        return i + 1, b, a + b

    i, a, b = tf.while_loop(cond, body, (2, 1, 1))
    results.append(tf.Session().run(b).tolist())

    def cond4(i, a, b, c):
        return i < n

    def body4(i, a, b, c):
        return i + 1, b, a + b, tf.concat([c, [a + b]], 0)

    try:
        tf.while_loop(cond4, body4, (2, 1, 1, tf.constant([1, 1])))
        results.append("no error")
    except ValueError:
        results.append("ValueError")
    i, a, b, c = tf.while_loop(
        cond4, body4, (2, 1, 1, tf.constant([1, 1])),
        shape_invariants=(tf.TensorShape([]),
                          tf.TensorShape([]),
                          tf.TensorShape([]),
                          tf.TensorShape([None])))
    results.append(tf.Session().run(c).tolist())

    c = tf.TensorArray(tf.int32, n)
    c = c.write(0, 1)
    c = c.write(1, 1)

    def body_ta(i, a, b, c):
        c = c.write(i, a + b)
        return i + 1, b, a + b, c

    i, a, b, c = tf.while_loop(cond4, body_ta, (2, 1, 1, c))
    c = c.stack()
    results.append(tf.Session().run(c).tolist())
    out["control_flow"] = results


def _py_relu(tf, out):
    def relu(inputs):
        # Define the op in python
        def _relu(x):
            return np.maximum(x, 0.)

        # Define the op's gradient in python
        def _relu_grad(x):
            return np.float32(x > 0)

        # An adapter that defines a gradient op compatible with TensorFlow
        def _relu_grad_op(op, grad):
            x = op.inputs[0]
            x_grad = grad * tf.py_func(_relu_grad, [x], tf.float32)
            return x_grad

        # Register the gradient with a unique id
        grad_name = "MyReluGrad_" + str(uuid.uuid4())
        tf.RegisterGradient(grad_name)(_relu_grad_op)

        # Override the gradient of the custom op
        g = tf.get_default_graph()
        with g.gradient_override_map({"PyFunc": grad_name}):
            output = tf.py_func(_relu, [inputs], tf.float32)
        return output

    x = tf.constant(np.random.RandomState(6).normal(size=[10]).astype(np.float32))
    y = relu(x * x)
    np.random.seed(0)  # the checker draws x from NumPy's global generator
    with tf.Session():
        diff = tf.test.compute_gradient_error(x, [10], y, [10])
    x2 = tf.constant([-1.5, -0.5, 0.5, 2.0])
    g = tf.gradients(relu(x2), x2)[0]
    out["relu_grad_error"] = float(diff)
    out["relu_grad"] = tf.Session().run(g).tolist()


def _parallel(tf, out):
    def make_parallel(fn, num_gpus, **kwargs):
        in_splits = {}
        for k, v in kwargs.items():
            in_splits[k] = tf.split(v, num_gpus)

        out_split = []
        for i in range(num_gpus):
            with tf.device(tf.DeviceSpec(device_type="CPU", device_index=i)):
                with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE):
                    out_split.append(fn(**{k: v[i] for k, v in in_splits.items()}))

        return tf.concat(out_split, axis=0)

    def model(x, y):
        w = tf.get_variable("w", shape=[3, 1])
        f = tf.stack([tf.square(x), x, tf.ones_like(x)], 1)
        yhat = tf.squeeze(tf.matmul(f, w), 1)
        loss = tf.square(yhat - y)
        return loss

    rng = np.random.RandomState(7)

    def generate_data():
        x_val = rng.uniform(-10.0, 10.0, size=100)
        y_val = 5 * np.square(x_val) + 3
        return x_val, y_val

    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    loss = make_parallel(model, 2, x=x, y=y)
    train_op = tf.train.AdamOptimizer(0.1).minimize(
        tf.reduce_mean(loss),
        colocate_gradients_with_ops=True)

    tfc = contrib(tf)
    sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
    sess.run(tf.global_variables_initializer())
    w = tfc.framework.get_variables_by_name("w")[0]
    w.load(rng.normal(0, 0.5, (3, 1)).astype(np.float32), sess)
    for _ in range(30):
        x_val, y_val = generate_data()
        _, loss_val = sess.run([train_op, loss], {x: x_val, y: y_val})
    _, loss_val = sess.run([train_op, loss], {x: x_val, y: y_val})
    got = sess.run(tfc.framework.get_variables_by_name("w"))
    out["parallel_w"] = float(np.sum(got[0] * [[1.0], [2.0], [3.0]]))
    out["parallel_loss"] = float(loss_val.mean())


def _debugging(tf, out):
    a = tf.constant([[1.], [2.]])
    b = tf.constant([1., 2.])
    try:
        check_a = tf.assert_rank(a, 1)  # This will raise an InvalidArgumentError exception
        check_b = tf.assert_rank(b, 1)
        with tf.control_dependencies([check_a, check_b]):
            c = a + b  # c is a tensor of shape [2, 2]
        out["assert_error"] = ["none"]
    except (ValueError, tf.errors.InvalidArgumentError) as e:
        out["assert_error"] = [type(e).__name__]
    a = tf.Print(a, [a, b])
    c = a + b
    out["printed"] = float(np.sum(tf.Session().run(c)))

    def non_differentiable_softmax_entropy(logits):
        probs = tf.nn.softmax(logits)
        return tf.nn.softmax_cross_entropy_with_logits(labels=probs, logits=logits)

    def softmax_entropy(logits, dim=-1):
        plogp = tf.nn.softmax(logits, dim) * tf.nn.log_softmax(logits, dim)
        return -tf.reduce_sum(plogp, dim)

    w0 = np.array([0.9, 0.3, 0.2, -0.7, -0.6], np.float32)
    small = []
    for name, entropy in (("w", non_differentiable_softmax_entropy),
                          ("w2", softmax_entropy)):
        w = tf.get_variable(name, shape=[5])
        y = -entropy(w)
        opt = tf.train.AdamOptimizer()
        train_op = opt.minimize(y)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        w.load(w0, sess)
        np.random.seed(1)  # the checker draws w from NumPy's global generator
        with sess.as_default():
            diff = tf.test.compute_gradient_error(w, [5], y, [])
        small.append(bool(diff < 0.01))
        for _ in range(40):
            sess.run(train_op)
        probs = sess.run(tf.nn.softmax(w))
    out["entropy_errors_small"] = small
    out["entropy_softmax"] = float(np.dot(probs, [1, 2, 3, 4, 5]))


def _stability(tf, out):
    def unstable_softmax(logits):
        exp = tf.exp(logits)
        return exp / tf.reduce_sum(exp)

    naive = tf.Session().run(unstable_softmax([1000., 0.]))  # prints [ nan, 0.]

    def softmax(logits):
        exp = tf.exp(logits - tf.reduce_max(logits))
        return exp / tf.reduce_sum(exp)

    stable = tf.Session().run(softmax([1000., 0.]))  # prints [ 1., 0.]

    def unstable_softmax_cross_entropy(labels, logits):
        logits = tf.log(softmax(logits))
        return -tf.reduce_sum(labels * logits)

    labels = tf.constant([0.5, 0.5])
    logits = tf.constant([1000., 0.])
    xe_naive = tf.Session().run(unstable_softmax_cross_entropy(labels, logits))

    def softmax_cross_entropy(labels, logits):
        scaled_logits = logits - tf.reduce_max(logits)
        normalized_logits = scaled_logits - tf.reduce_logsumexp(scaled_logits)
        return -tf.reduce_sum(labels * normalized_logits)

    xe = softmax_cross_entropy(labels, logits)
    g = tf.gradients(xe, logits)
    out["unstable_nan"] = [bool(v) for v in np.isnan(naive)] + [bool(np.isinf(xe_naive))]
    out["stable"] = stable.tolist()
    out["xe"] = float(tf.Session().run(xe))
    out["xe_grad"] = tf.Session().run(g)[0].tolist()


def main(tf):
    out = {}
    for snippet in (_basics, _shapes, _scopes, _broadcasting, _feeding, _operators, _order,
                    _control_flow, _py_relu, _parallel, _debugging, _stability):
        with tf.Graph().as_default():  # each snippet is a script of its own
            snippet(tf, out)
    return out
