"""An English-to-Korean word translator, from golbin's "TensorFlow-Tutorials" (the book "3분
딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``10 - RNN/03 - Seq2Seq.py``): one-hot
``[None, None, n_input]`` encoder and decoder input placeholders (time unknown),
``BasicRNNCell(128)``s in ``DropoutWrapper``s under ``tf.variable_scope('encode')`` and
``('decode')``, the decoder's ``tf.nn.dynamic_rnn`` started from the encoder's final state
(``initial_state=enc_states``) and fed the target words behind an ``S`` symbol (teacher
forcing), ``tf.layers.dense`` over the 3-D outputs, ``sparse_softmax_cross_entropy_with_
logits`` on ``tf.int64`` targets, ``AdamOptimizer(0.01)`` for 100 full-batch epochs, then
``translate(word)``: the decoder fed ``P`` padding, ``tf.argmax(model, 2)`` decoded up to
the ``E`` symbol, for "word", "wodr", "love", "loev" and "abcd".

Adapted: the ``DropoutWrapper``s' ``output_keep_prob`` is 1.0 instead of 0.5 (a constant
in the program, so no feed can switch it off; the dropout masks are drawn by each
backend's own generator, and they stay on in ``translate`` too); the weights start from
``same_start``'s draw (biases zero); the prints are left out (the losses and translations
are returned).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

# After 50 steps the loss is below 1e-4, where float32 round-off in the cross entropy is
# 5e-4 of it: those two are compared to 1e-6 absolute (the test's ``max(1, |tf1|)``).
COMPARE = {"first_loss": 1e-6, "loss_10": 1e-5, "loss_50": 1e-6, "loss": 1e-6,
           "translations": 0.0, "variables": 0.0, "model_shape": 0.0, "kernel_sum": 5e-6}


def main(tf):
    # S: 디코딩 입력의 시작을 나타내는 심볼
    # E: 디코딩 출력을 끝을 나타내는 심볼
    # P: 현재 배치 데이터의 time step 크기보다 작은 경우 빈 시퀀스를 채우는 심볼
    #    예) 현재 배치 데이터의 최대 크기가 4 인 경우
    #       word -> ['w', 'o', 'r', 'd']
    #       to   -> ['t', 'o', 'P', 'P']
    char_arr = [c for c in 'SEPabcdefghijklmnopqrstuvwxyz단어나무놀이소녀키스사랑']  # noqa: C416
    num_dic = {n: i for i, n in enumerate(char_arr)}
    dic_len = len(num_dic)

    # 영어를 한글로 번역하기 위한 학습 데이터
    seq_data = [['word', '단어'], ['wood', '나무'],
                ['game', '놀이'], ['girl', '소녀'],
                ['kiss', '키스'], ['love', '사랑']]

    def make_batch(seq_data):
        input_batch = []
        output_batch = []
        target_batch = []

        for seq in seq_data:
            # 인코더 셀의 입력값. 입력단어의 글자들을 한글자씩 떼어 배열로 만든다.
            input = [num_dic[n] for n in seq[0]]  # noqa: A001 - as written
            # 디코더 셀의 입력값. 시작을 나타내는 S 심볼을 맨 앞에 붙여준다.
            output = [num_dic[n] for n in ('S' + seq[1])]
            # 학습을 위해 비교할 디코더 셀의 출력값. 끝나는 것을 알려주기 위해 마지막에 E 를 붙인다.
            target = [num_dic[n] for n in (seq[1] + 'E')]

            input_batch.append(np.eye(dic_len)[input])
            output_batch.append(np.eye(dic_len)[output])
            # 출력값만 one-hot 인코딩이 아님 (sparse_softmax_cross_entropy_with_logits 사용)
            target_batch.append(target)

        return input_batch, output_batch, target_batch

    #########
    # 옵션 설정
    ######
    learning_rate = 0.01
    n_hidden = 128
    total_epoch = 100
    # 입력과 출력의 형태가 one-hot 인코딩으로 같으므로 크기도 같다.
    n_class = n_input = dic_len

    #########
    # 신경망 모델 구성
    ######
    # Seq2Seq 모델은 인코더의 입력과 디코더의 입력의 형식이 같다.
    # [batch size, time steps, input size]
    enc_input = tf.placeholder(tf.float32, [None, None, n_input])
    dec_input = tf.placeholder(tf.float32, [None, None, n_input])
    # [batch size, time steps]
    targets = tf.placeholder(tf.int64, [None, None])

    # 인코더 셀을 구성한다.
    with tf.variable_scope('encode'):
        enc_cell = tf.nn.rnn_cell.BasicRNNCell(n_hidden)
        enc_cell = tf.nn.rnn_cell.DropoutWrapper(enc_cell, output_keep_prob=1.0)

        outputs, enc_states = tf.nn.dynamic_rnn(enc_cell, enc_input,
                                                dtype=tf.float32)

    # 디코더 셀을 구성한다.
    with tf.variable_scope('decode'):
        dec_cell = tf.nn.rnn_cell.BasicRNNCell(n_hidden)
        dec_cell = tf.nn.rnn_cell.DropoutWrapper(dec_cell, output_keep_prob=1.0)

        # Seq2Seq 모델은 인코더 셀의 최종 상태값을
        # 디코더 셀의 초기 상태값으로 넣어주는 것이 핵심.
        outputs, dec_states = tf.nn.dynamic_rnn(dec_cell, dec_input,
                                                initial_state=enc_states,
                                                dtype=tf.float32)

    model = tf.layers.dense(outputs, n_class, activation=None)

    cost = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(
                    logits=model, labels=targets))

    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=16)

    input_batch, output_batch, target_batch = make_batch(seq_data)

    losses = []
    for epoch in range(total_epoch):  # noqa: B007 - as written
        _, loss = sess.run([optimizer, cost],
                           feed_dict={enc_input: input_batch,
                                      dec_input: output_batch,
                                      targets: target_batch})
        losses.append(float(loss))

    #########
    # 번역 테스트
    ######
    # 단어를 입력받아 번역 단어를 예측하고 디코딩하는 함수
    def translate(word):
        # 이 모델은 입력값과 출력값 데이터로 [영어단어, 한글단어] 사용하지만,
        # 예측시에는 한글단어를 알지 못하므로, 디코더의 입출력값을 의미 없는 값인 P 값으로 채운다.
        # ['word', 'PPPP']
        seq_data = [word, 'P' * len(word)]

        input_batch, output_batch, target_batch = make_batch([seq_data])

        # 결과가 [batch size, time step, input] 으로 나오기 때문에,
        # 2번째 차원인 input 차원을 argmax 로 취해 가장 확률이 높은 글자를 예측 값으로 만든다.
        prediction = tf.argmax(model, 2)

        result = sess.run(prediction,
                          feed_dict={enc_input: input_batch,
                                     dec_input: output_batch,
                                     targets: target_batch})

        # 결과 값인 숫자의 인덱스에 해당하는 글자를 가져와 글자 배열을 만든다.
        decoded = [char_arr[i] for i in result[0]]

        # 출력의 끝을 의미하는 'E' 이후의 글자들을 제거하고 문자열로 만든다.
        end = decoded.index('E')
        translated = ''.join(decoded[:end])

        return translated

    translations = [translate('word'), translate('wodr'), translate('love'),
                    translate('loev'), translate('abcd')]
    variables = sorted(v.op.name for v in tf.trainable_variables())
    kernel = sess.run(tf.trainable_variables()[-2])
    sess.close()
    return {"first_loss": losses[0], "loss_10": losses[10], "loss_50": losses[50],
            "loss": losses[-1],
            "translations": translations, "variables": variables,
            "model_shape": model.shape.as_list(),
            "kernel_sum": float(np.sum(kernel * np.arange(1, n_class + 1)))}
