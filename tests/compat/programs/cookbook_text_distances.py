"""Text distances: nfmcclure's tensorflow_cookbook, ``05_Nearest_Neighbor_Methods/
03_Working_with_Text_Distances/03_text_distances.py``. ``tf.edit_distance`` of
``tf.SparseTensor``s of single characters: 'bear' against 'beers' unnormalised (the
recipe's truth repeats the index ``[0, 0, 1]`` and skips ``[0, 0, 2]``, which
``edit_distance`` reads as given), two words against two normalised, and four words
against 'beers' normalised, with dense shapes smaller than the indices (``[1, 1, 1]``).

Adapted: nothing but the output: the three prints are returned."""

from __future__ import annotations

COMPARE = {"bear_beers": 0.0, "two_words": 0.0, "four_words": 0.0, "shapes": 0.0}


def main(tf):
    sess = tf.Session()
    hypothesis = list('bear')
    truth = list('beers')
    h1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]], hypothesis, [1, 1, 1])
    t1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 1], [0, 0, 3], [0, 0, 4]], truth,
                         [1, 1, 1])
    bear_beers = sess.run(tf.edit_distance(h1, t1, normalize=False))

    hypothesis2 = list('bearbeer')
    truth2 = list('beersbeers')
    h2 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 1, 0], [0, 1, 1],
                          [0, 1, 2], [0, 1, 3]], hypothesis2, [1, 2, 4])
    t2 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 0, 4], [0, 1, 0],
                          [0, 1, 1], [0, 1, 2], [0, 1, 3], [0, 1, 4]], truth2, [1, 2, 5])
    two_words = sess.run(tf.edit_distance(h2, t2, normalize=True))

    hypothesis_words = ['bear', 'bar', 'tensor', 'flow']
    truth_word = ['beers']
    num_h_words = len(hypothesis_words)
    h_indices = [[xi, 0, yi] for xi, x in enumerate(hypothesis_words) for yi, y in enumerate(x)]
    h_chars = list(''.join(hypothesis_words))
    h3 = tf.SparseTensor(h_indices, h_chars, [num_h_words, 1, 1])
    truth_word_vec = truth_word * num_h_words
    t_indices = [[xi, 0, yi] for xi, x in enumerate(truth_word_vec) for yi, y in enumerate(x)]
    t_chars = list(''.join(truth_word_vec))
    t3 = tf.SparseTensor(t_indices, t_chars, [num_h_words, 1, 1])
    four_words = sess.run(tf.edit_distance(h3, t3, normalize=True))
    sess.close()

    def values(a):
        return [round(float(v), 6) for v in a.ravel()]

    return {"bear_beers": values(bear_beers), "two_words": values(two_words),
            "four_words": values(four_words),
            "shapes": [list(a.shape) for a in (bear_beers, two_words, four_words)]}
