"""The three first programs of golbin's "TensorFlow-Tutorials" (the book "3분 딥러닝
텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``03 - TensorFlow Basic/01 - Basic.py``, ``02 -
Variable.py`` and ``03 - Linear Regression.py``), each in a fresh graph: ``print``-ing a
string ``tf.constant`` and ``tf.add(a, b)`` (``Tensor("Add:0", shape=(), dtype=int32)``),
``sess.run`` of a string constant (bytes) and of a list of tensors; a ``[None, 3]``
placeholder printed, ``tf.Variable(tf.random_normal(...))``s and ``tf.matmul(X, W) + b``
fed a nested list; and a linear regression ``W * X + b`` on shape-less named placeholders
(``Tensor("X:0", dtype=float32)`` when printed), ``GradientDescentOptimizer(0.1)`` for 100
steps under ``with tf.Session() as sess``, then the hypothesis fed the Python scalars 5 and
2.5.

Adapted: what the programs print is returned (``print``'s text of the tensors, the run
values); the variables of ``02 - Variable.py`` start from ``same_start``'s draw, and
``W`` and ``b`` of the regression (``tf.random_uniform([1], -1.0, 1.0)``) from zero
(``same_start``'s rule for 1-D variables).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"printed": 0.0, "hello": 0.0, "abc": 0.0, "expr_sum": 1e-6, "cost": 1e-5,
           "W": 1e-5, "b": 1e-5, "test_5": 1e-5, "test_2_5": 1e-5}


def basic(tf, out):
    # tf.constant: 말 그대로 상수입니다.
    hello = tf.constant('Hello, TensorFlow!')
    out["printed"].append(str(hello))

    a = tf.constant(10)
    b = tf.constant(32)
    c = tf.add(a, b)  # a + b 로도 쓸 수 있음
    out["printed"].append(str(c))

    # 그래프를 실행할 세션을 구성합니다.
    sess = tf.Session()
    # sess.run: 설정한 텐서 그래프(변수나 수식 등등)를 실행합니다.
    out["hello"] = [sess.run(hello).decode()]
    out["abc"] = [int(v) for v in sess.run([a, b, c])]

    # 세션을 닫습니다.
    sess.close()


def variable(tf, out):
    # tf.placeholder: 계산을 실행할 때 입력값을 받는 변수로 사용합니다.
    # None 은 크기가 정해지지 않았음을 의미합니다.
    X = tf.placeholder(tf.float32, [None, 3])
    out["printed"].append(str(X))

    # X 플레이스홀더에 넣을 값 입니다.
    # 플레이스홀더에서 설정한 것 처럼, 두번째 차원의 요소의 갯수는 3개 입니다.
    x_data = [[1, 2, 3], [4, 5, 6]]

    # tf.Variable: 그래프를 계산하면서 최적화 할 변수들입니다.
    # tf.random_normal: 각 변수들의 초기값을 정규분포 랜덤 값으로 초기화합니다.
    W = tf.Variable(tf.random_normal([3, 2]))
    b = tf.Variable(tf.random_normal([2, 1]))

    # 입력값과 변수들을 계산할 수식을 작성합니다.
    # tf.matmul 처럼 mat* 로 되어 있는 함수로 행렬 계산을 수행합니다.
    expr = tf.matmul(X, W) + b
    out["printed"].append(str(expr))

    sess = tf.Session()
    # 위에서 설정한 Variable 들의 값들을 초기화 하기 위해
    # 처음에 tf.global_variables_initializer 를 한 번 실행해야 합니다.
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=3)

    expr_val = sess.run(expr, feed_dict={X: x_data})
    out["expr_sum"] = float(np.sum(expr_val * np.arange(1, 5).reshape(2, 2)))

    sess.close()


def linear_regression(tf, out):
    x_data = [1, 2, 3]
    y_data = [1, 2, 3]

    W = tf.Variable(tf.random_uniform([1], -1.0, 1.0))
    b = tf.Variable(tf.random_uniform([1], -1.0, 1.0))

    # name: 나중에 텐서보드등으로 값의 변화를 추적하거나 살펴보기 쉽게 하기 위해 이름을 붙여줍니다.
    X = tf.placeholder(tf.float32, name="X")
    Y = tf.placeholder(tf.float32, name="Y")
    out["printed"].append(str(X))
    out["printed"].append(str(Y))

    # X 와 Y 의 상관 관계를 분석하기 위한 가설 수식을 작성합니다.
    # y = W * x + b
    # W 와 X 가 행렬이 아니므로 tf.matmul 이 아니라 기본 곱셈 기호를 사용했습니다.
    hypothesis = W * X + b

    # 손실 함수를 작성합니다.
    # mean(h - Y)^2 : 예측값과 실제값의 거리를 비용(손실) 함수로 정합니다.
    cost = tf.reduce_mean(tf.square(hypothesis - Y))
    # 텐서플로우에 기본적으로 포함되어 있는 함수를 이용해 경사 하강법 최적화를 수행합니다.
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1)
    # 비용을 최소화 하는 것이 최종 목표
    train_op = optimizer.minimize(cost)
    out["printed"].append(str(hypothesis))

    # 세션을 생성하고 초기화합니다.
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)

        # 최적화를 100번 수행합니다.
        for step in range(100):  # noqa: B007 - as written
            # sess.run 을 통해 train_op 와 cost 그래프를 계산합니다.
            # 이 때, 가설 수식에 넣어야 할 실제값을 feed_dict 을 통해 전달합니다.
            _, cost_val = sess.run([train_op, cost], feed_dict={X: x_data, Y: y_data})

            W_val, b_val = sess.run(W), sess.run(b)

        # 최적화가 완료된 모델에 테스트 값을 넣고 결과가 잘 나오는지 확인해봅니다.
        out["test_5"] = float(sess.run(hypothesis, feed_dict={X: 5})[0])
        out["test_2_5"] = float(sess.run(hypothesis, feed_dict={X: 2.5})[0])
    out.update(cost=float(cost_val), W=float(W_val[0]), b=float(b_val[0]))


def main(tf):
    out = {"printed": []}
    for program in (basic, variable, linear_regression):
        with tf.Graph().as_default():
            program(tf, out)
    return out
