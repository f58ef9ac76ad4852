"""Completing four-letter words from their first three letters, from golbin's
"TensorFlow-Tutorials" (the book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials
at commit c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``10 - RNN/02 - Autocomplete.py``):
``np.eye(dic_len)[input]`` one-hot float64 batches fed to a float32 placeholder, a
``tf.nn.rnn_cell.MultiRNNCell`` of a ``BasicLSTMCell(128)`` wrapped in
``tf.nn.rnn_cell.DropoutWrapper(cell1, output_keep_prob=keep_prob)`` (``keep_prob`` a scalar
placeholder) and a second ``BasicLSTMCell``, ``tf.nn.dynamic_rnn``, the last step's output
through a ``tf.random_normal`` layer, ``sparse_softmax_cross_entropy_with_logits`` on
``tf.int32`` labels and ``AdamOptimizer(0.01)`` for 30 full-batch epochs, then the
predictions (``tf.cast(tf.argmax(model, 1), tf.int32)``), the completed words and the
accuracy.

Adapted: ``keep_prob`` fed as 1.0 instead of 0.5 in training (a dropout mask is drawn by
each backend's own generator; the ``DropoutWrapper`` and its dropout op stay); the weights
start from ``same_start``'s draw (biases zero); the prints are left out (their values are
returned).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-5, "loss_10": 1e-5, "loss": 1e-5, "predict_words": 0.0,
           "accuracy": 1e-6, "variables": 0.0, "logits_sum": 1e-5}


def main(tf):
    char_arr = ['a', 'b', 'c', 'd', 'e', 'f', 'g',
                'h', 'i', 'j', 'k', 'l', 'm', 'n',
                'o', 'p', 'q', 'r', 's', 't', 'u',
                'v', 'w', 'x', 'y', 'z']

    # one-hot 인코딩 사용 및 디코딩을 하기 위해 연관 배열을 만듭니다.
    # {'a': 0, 'b': 1, 'c': 2, ..., 'j': 9, 'k', 10, ...}
    num_dic = {n: i for i, n in enumerate(char_arr)}
    dic_len = len(num_dic)

    # 다음 배열은 입력값과 출력값으로 다음처럼 사용할 것 입니다.
    # wor -> X, d -> Y
    # woo -> X, d -> Y
    seq_data = ['word', 'wood', 'deep', 'dive', 'cold', 'cool', 'load', 'love', 'kiss', 'kind']

    def make_batch(seq_data):
        input_batch = []
        target_batch = []

        for seq in seq_data:
            # 여기서 생성하는 input_batch 와 target_batch 는
            # 알파벳 배열의 인덱스 번호 입니다.
            # [22, 14, 17] [22, 14, 14] [3, 4, 4] [3, 8, 21] ...
            input = [num_dic[n] for n in seq[:-1]]  # noqa: A001 - as written
            # 3, 3, 15, 4, 3 ...
            target = num_dic[seq[-1]]
            # one-hot 인코딩을 합니다.
            input_batch.append(np.eye(dic_len)[input])
            # 이 예제에서 사용할 손실 함수인 sparse_softmax_cross_entropy_with_logits 는
            # one-hot 인코딩을 사용하지 않으므로 index 를 그냥 넘겨주면 됩니다.
            target_batch.append(target)

        return input_batch, target_batch

    #########
    # 옵션 설정
    ######
    learning_rate = 0.01
    n_hidden = 128
    total_epoch = 30
    # 타입 스텝: [1 2 3] => 3
    # RNN 을 구성하는 시퀀스의 갯수입니다.
    n_step = 3
    # 입력값 크기. 알파벳에 대한 one-hot 인코딩이므로 26개가 됩니다.
    # 예) c => [0 0 1 0 0 0 0 0 0 0 0 ... 0]
    # 출력값도 입력값과 마찬가지로 26개의 알파벳으로 분류합니다.
    n_input = n_class = dic_len

    #########
    # 신경망 모델 구성
    ######
    X = tf.placeholder(tf.float32, [None, n_step, n_input])
    # 비용함수에 sparse_softmax_cross_entropy_with_logits 을 사용하므로
    # 출력값과의 계산을 위한 원본값의 형태는 one-hot vector가 아니라 인덱스 숫자를 그대로 사용하기
    # 때문에
    # 다음처럼 하나의 값만 있는 1차원 배열을 입력값으로 받습니다.
    # [3] [3] [15] [4] ...
    Y = tf.placeholder(tf.int32, [None])

    # dropout prob for RNN
    keep_prob = tf.placeholder(tf.float32, [])

    W = tf.Variable(tf.random_normal([n_hidden, n_class]))
    b = tf.Variable(tf.random_normal([n_class]))

    # RNN 셀을 생성합니다.
    cell1 = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)
    # 과적합 방지를 위한 Dropout 기법을 사용합니다.
    cell1 = tf.nn.rnn_cell.DropoutWrapper(cell1, output_keep_prob=keep_prob)
    # 여러개의 셀을 조합해서 사용하기 위해 셀을 추가로 생성합니다.
    cell2 = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)

    # 여러개의 셀을 조합한 RNN 셀을 생성합니다.
    multi_cell = tf.nn.rnn_cell.MultiRNNCell([cell1, cell2])

    # tf.nn.dynamic_rnn 함수를 이용해 순환 신경망을 만듭니다.
    # time_major=True
    outputs, states = tf.nn.dynamic_rnn(multi_cell, X, dtype=tf.float32)

    # 최종 결과는 one-hot 인코딩 형식으로 만듭니다
    outputs = tf.transpose(outputs, [1, 0, 2])
    outputs = outputs[-1]
    model = tf.matmul(outputs, W) + b

    cost = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(
                    logits=model, labels=Y))

    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=13, biases=True)

    input_batch, target_batch = make_batch(seq_data)

    losses = []
    for epoch in range(total_epoch):  # noqa: B007 - as written
        _, loss = sess.run([optimizer, cost],
                           feed_dict={X: input_batch,
                                      Y: target_batch,
                                      keep_prob: 1.0})
        losses.append(float(loss))

    #########
    # 결과 확인
    ######
    # 레이블값이 정수이므로 예측값도 정수로 변경해줍니다.
    prediction = tf.cast(tf.argmax(model, 1), tf.int32)
    # one-hot 인코딩이 아니므로 입력값을 그대로 비교합니다.
    prediction_check = tf.equal(prediction, Y)
    accuracy = tf.reduce_mean(tf.cast(prediction_check, tf.float32))

    input_batch, target_batch = make_batch(seq_data)

    predict, accuracy_val = sess.run([prediction, accuracy],
                                     feed_dict={X: input_batch,
                                                Y: target_batch,
                                                keep_prob: 1})

    predict_words = []
    for idx, val in enumerate(seq_data):
        last_char = char_arr[predict[idx]]
        predict_words.append(val[:3] + last_char)

    logits = sess.run(model, feed_dict={X: input_batch, keep_prob: 1})
    variables = sorted(v.op.name for v in tf.trainable_variables())
    sess.close()
    return {"first_loss": losses[0], "loss_10": losses[10], "loss": losses[-1],
            "predict_words": predict_words, "accuracy": float(accuracy_val),
            "variables": variables,
            "logits_sum": float(np.sum(logits * np.arange(1, n_class + 1)))}
