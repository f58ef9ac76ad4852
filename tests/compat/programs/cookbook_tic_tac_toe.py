"""Learning tic-tac-toe responses: nfmcclure's tensorflow_cookbook, ``06_Neural_Networks/
08_Learning_Tic_Tac_Toe/tic_tac_toe_moves.py``. Boards (9 marks of -1/0/1) with the best
response, augmented by random rotations and flips (``get_symmetry``), a 9-81-9 network
with a sigmoid hidden layer, ``sparse_softmax_cross_entropy_with_logits`` on ``int32``
labels, gradient descent on batches drawn without replacement, the ``argmax`` move for the
recipe's test board and the model's replies (illegal squares masked out) to a fixed
sequence of moves.

Adapted: the recipe's ``base_tic_tac_toe_moves.csv`` (31 boards with their best
response, read by ``get_moves_from_csv``) is replaced by 31 generated boards whose
response follows a fixed rule (complete a line, else block one, else take the centre,
else a free corner, else the first free square); ``random`` and ``np.random`` are seeded
(the recipe seeds neither); the four ``random_normal`` starts are loaded from NumPy draws
so both backends start alike; 1000 iterations instead of 10000; ``print_board``, the
progress prints, the plot and the interactive ``input()`` game are left out: the game's
player moves are a fixed list, the model's replies are returned."""

from __future__ import annotations

import random

import numpy as np

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "test_prediction": 0.0,
           "test_logits_sum": 1e-4, "model_moves": 0.0, "train_size": 0.0}

WINS = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]]


def _best_response(board):
    for mark in (1, -1):  # complete our own line first, else block the opponent's
        for line in WINS:
            values = [board[i] for i in line]
            if values.count(mark) == 2 and values.count(0) == 1:
                return line[values.index(0)]
    for square in (4, 0, 2, 6, 8):
        if board[square] == 0:
            return square
    return board.index(0)


def _base_moves(rng, n=31):
    moves, seen = [], set()
    while len(moves) < n:
        k = rng.randint(1, 4)
        cells = rng.permutation(9)
        board = [0] * 9
        for i in cells[:k]:
            board[i] = -1
        for i in cells[k:2 * k - 1]:
            board[i] = 1
        if tuple(board) in seen or any(all(board[i] == -1 for i in line) for line in WINS):
            continue
        seen.add(tuple(board))
        moves.append((board, _best_response(board)))
    return moves


def get_symmetry(board, play_response, transformation):
    if transformation == 'rotate180':
        new_response = 8 - play_response
        return board[::-1], new_response
    elif transformation == 'rotate90':
        new_response = [6, 3, 0, 7, 4, 1, 8, 5, 2].index(play_response)
        tuple_board = list(zip(*[board[6:9], board[3:6], board[0:3]]))
        return [value for item in tuple_board for value in item], new_response
    elif transformation == 'rotate270':
        new_response = [2, 5, 8, 1, 4, 7, 0, 3, 6].index(play_response)
        tuple_board = list(zip(*[board[0:3], board[3:6], board[6:9]]))[::-1]
        return [value for item in tuple_board for value in item], new_response
    elif transformation == 'flip_v':
        new_response = [6, 7, 8, 3, 4, 5, 0, 1, 2].index(play_response)
        return board[6:9] + board[3:6] + board[0:3], new_response
    elif transformation == 'flip_h':
        new_response = [2, 1, 0, 5, 4, 3, 8, 7, 6].index(play_response)
        new_board = board[::-1]
        return new_board[6:9] + new_board[3:6] + new_board[0:3], new_response
    else:
        raise ValueError('Method not implemented.')


def get_rand_move(play_moves, rand_transforms=2):
    (board, play_response) = random.choice(play_moves)
    possible_transforms = ['rotate90', 'rotate180', 'rotate270', 'flip_v', 'flip_h']
    for _ in range(rand_transforms):
        random_transform = random.choice(possible_transforms)
        (board, play_response) = get_symmetry(board, play_response, random_transform)
    return board, play_response


def check(board):
    wins = WINS
    for ix in range(len(wins)):
        if board[wins[ix][0]] == board[wins[ix][1]] == board[wins[ix][2]] == 1.:
            return 1
        elif board[wins[ix][0]] == board[wins[ix][1]] == board[wins[ix][2]] == -1.:
            return 1
    return 0


def main(tf):
    random.seed(8)
    np.random.seed(8)
    batch_size = 50
    moves = _base_moves(np.random.RandomState(8))
    train_length = 500
    train_set = []
    for _ in range(train_length):
        train_set.append(get_rand_move(moves))
    test_board = [-1, 0, 0, 1, -1, -1, 0, 0, 1]
    train_set = [x for x in train_set if x[0] != test_board]

    def init_weights(shape):
        return tf.Variable(tf.random_normal(shape))

    def model(X, A1, A2, bias1, bias2):
        layer1 = tf.nn.sigmoid(tf.add(tf.matmul(X, A1), bias1))
        layer2 = tf.add(tf.matmul(layer1, A2), bias2)
        return layer2

    X = tf.placeholder(dtype=tf.float32, shape=[None, 9])
    Y = tf.placeholder(dtype=tf.int32, shape=[None])
    A1 = init_weights([9, 81])
    bias1 = init_weights([81])
    A2 = init_weights([81, 9])
    bias2 = init_weights([9])
    model_output = model(X, A1, A2, bias1, bias2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(logits=model_output,
                                                                         labels=Y))
    train_step = tf.train.GradientDescentOptimizer(0.025).minimize(loss)
    prediction = tf.argmax(model_output, 1)

    sess = tf.Session()
    init = tf.global_variables_initializer()
    sess.run(init)
    for var in [A1, bias1, A2, bias2]:
        var.load(np.random.normal(size=var.shape.as_list()).astype(np.float32), sess)

    loss_vec = []
    for _ in range(1000):
        rand_indices = np.random.choice(range(len(train_set)), batch_size, replace=False)
        batch_data = [train_set[i] for i in rand_indices]
        x_input = [x[0] for x in batch_data]
        y_target = np.array([y[1] for y in batch_data])
        sess.run(train_step, feed_dict={X: x_input, Y: y_target})
        temp_loss = sess.run(loss, feed_dict={X: x_input, Y: y_target})
        loss_vec.append(temp_loss)

    test_boards = [test_board]
    feed_dict = {X: test_boards}
    logits = sess.run(model_output, feed_dict=feed_dict)
    predictions = sess.run(prediction, feed_dict=feed_dict)

    game_tracker = [0., 0., 0., 0., 0., 0., 0., 0., 0.]
    win_logical = False
    num_moves = 0
    player_moves = iter([4, 0, 8, 2, 6, 1, 3, 5, 7])
    model_moves = []
    while not win_logical:
        player_index = next(ix for ix in player_moves if game_tracker[ix] == 0.)
        num_moves += 1
        game_tracker[int(player_index)] = 1.
        [potential_moves] = sess.run(model_output, feed_dict={X: [game_tracker]})
        allowed_moves = [ix for ix, x in enumerate(game_tracker) if x == 0.0]
        model_move = np.argmax([x if ix in allowed_moves else -999.0
                                for ix, x in enumerate(potential_moves)])
        game_tracker[int(model_move)] = -1.
        model_moves.append(int(model_move))
        if check(game_tracker) == 1 or num_moves >= 5:
            win_logical = True
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "test_prediction": [int(p) for p in predictions],
            "test_logits_sum": float(np.sum(logits)), "model_moves": model_moves,
            "train_size": [len(train_set)]}
