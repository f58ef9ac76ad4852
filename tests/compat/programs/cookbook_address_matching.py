"""Address matching by nearest neighbour: nfmcclure's tensorflow_cookbook,
``05_Nearest_Neighbor_Methods/05_An_Address_Matching_Example/05_address_matching.py``.
Ten generated street addresses with zip codes and a copy with typos; each typo address,
repeated ten times, is fed as a ``tf.sparse_placeholder(dtype=tf.string)`` of characters
(a ``tf.SparseTensorValue`` of ``[words, 1, chars]`` indices) and compared with the
reference addresses by a normalised ``tf.edit_distance``; a zip similarity from the
squared differences (``gather`` of the ``squeeze``d distances at their ``argmax`` and
``argmin``, ``tf.div``) is weighted with the address similarity and the best match is the
``argmax``.

Adapted: nothing but the output: the prints of each address and its match are returned
as the matched indices and zips, with the distances of the last query."""

from __future__ import annotations

import random
import string

import numpy as np

COMPARE = {"best_matches": 0.0, "best_zips": 0.0, "last_address_dist": 1e-6,
           "last_weighted_sim": 1e-5}


def main(tf):
    n = 10
    street_names = ['abbey', 'baker', 'canal', 'donner', 'elm']
    street_types = ['rd', 'st', 'ln', 'pass', 'ave']
    random.seed(31)
    rand_zips = [random.randint(65000, 65999) for i in range(5)]

    def create_typo(s, prob=0.75):
        if random.uniform(0, 1) < prob:
            rand_ind = random.choice(range(len(s)))
            s_list = list(s)
            s_list[rand_ind] = random.choice(string.ascii_lowercase)
            s = ''.join(s_list)
        return s

    numbers = [random.randint(1, 9999) for _ in range(n)]
    streets = [random.choice(street_names) for _ in range(n)]
    street_suffs = [random.choice(street_types) for _ in range(n)]
    zips = [random.choice(rand_zips) for _ in range(n)]
    full_streets = [str(x) + ' ' + y + ' ' + z for x, y, z in zip(numbers, streets,
                                                                  street_suffs)]
    reference_data = [list(x) for x in zip(full_streets, zips)]
    typo_streets = [create_typo(x) for x in streets]
    typo_full_streets = [str(x) + ' ' + y + ' ' + z for x, y, z in zip(numbers, typo_streets,
                                                                       street_suffs)]
    test_data = [list(x) for x in zip(typo_full_streets, zips)]

    sess = tf.Session()
    test_address = tf.sparse_placeholder(dtype=tf.string)
    test_zip = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    ref_address = tf.sparse_placeholder(dtype=tf.string)
    ref_zip = tf.placeholder(shape=[None, n], dtype=tf.float32)
    zip_dist = tf.square(tf.subtract(ref_zip, test_zip))
    address_dist = tf.edit_distance(test_address, ref_address, normalize=True)
    zip_max = tf.gather(tf.squeeze(zip_dist), tf.argmax(zip_dist, 1))
    zip_min = tf.gather(tf.squeeze(zip_dist), tf.argmin(zip_dist, 1))
    zip_sim = tf.div(tf.subtract(zip_max, zip_dist), tf.subtract(zip_max, zip_min))
    address_sim = tf.subtract(1., address_dist)
    address_weight = 0.5
    zip_weight = 1. - address_weight
    weighted_sim = tf.add(tf.transpose(tf.multiply(address_weight, address_sim)),
                          tf.multiply(zip_weight, zip_sim))
    top_match_index = tf.argmax(weighted_sim, 1)

    def sparse_from_word_vec(word_vec):
        num_words = len(word_vec)
        indices = [[xi, 0, yi] for xi, x in enumerate(word_vec) for yi, y in enumerate(x)]
        chars = list(''.join(word_vec))
        return tf.SparseTensorValue(indices, chars, [num_words, 1, 1])

    reference_addresses = [x[0] for x in reference_data]
    reference_zips = np.array([[x[1] for x in reference_data]])
    sparse_ref_set = sparse_from_word_vec(reference_addresses)

    best_matches, best_zips = [], []
    for i in range(n):
        test_address_entry = test_data[i][0]
        test_zip_entry = [[test_data[i][1]]]
        test_address_repeated = [test_address_entry] * n
        sparse_test_set = sparse_from_word_vec(test_address_repeated)
        feeddict = {test_address: sparse_test_set, test_zip: test_zip_entry,
                    ref_address: sparse_ref_set, ref_zip: reference_zips}
        best_match = sess.run(top_match_index, feed_dict=feeddict)
        [best_zip] = reference_zips[0][best_match]
        best_matches.append(int(best_match[0]))
        best_zips.append(int(best_zip))
    last_dist, last_sim = sess.run([address_dist, weighted_sim], feed_dict=feeddict)
    sess.close()
    return {"best_matches": best_matches, "best_zips": best_zips,
            "last_address_dist": float(np.sum(last_dist)),
            "last_weighted_sim": float(np.sum(last_sim))}
