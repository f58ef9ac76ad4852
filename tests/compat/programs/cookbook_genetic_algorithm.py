"""A genetic algorithm: nfmcclure's tensorflow_cookbook, ``11_More_with_TensorFlow/
02_Working_with_a_Genetic_Algorithm/02_genetic_algorithm.py``. A ``[100, 50]`` population
``Variable`` (a float64 NumPy start with ``dtype=tf.float32``) evolves towards a sine
wave: fitness by ``-reduce_mean(square(...), 1)``, ranking by ``tf.nn.top_k`` with
``k = pop_size``, the best individual by ``argmin`` of the sorted values and ``gather``,
parents by ``tf.slice``, children by ``gather`` at NumPy index arrays, crossover and
mutation masks fed each generation, and ``tf.group(population.assign(tf.concat(...)))``
run with ``Operation.run(feed_dict, session=sess)``.

Adapted: ``np.random`` is seeded (the recipe seeds nothing); the prints and the
matplotlib plot are left out (the sum of the printed fitnesses, the last best individual
and the final best fitness are returned)."""

from __future__ import annotations

import numpy as np

COMPARE = {"best_fits": 1e-4, "best_individual_sum": 1e-4, "final_best_fit": 1e-4}


def main(tf):
    np.random.seed(21)
    pop_size = 100
    features = 50
    selection = 0.2
    mutation = 1. / pop_size
    generations = 200
    num_parents = int(pop_size * selection)
    num_children = pop_size - num_parents

    sess = tf.Session()
    truth = np.sin(2 * np.pi * (np.arange(features, dtype=np.float32)) / features)
    population = tf.Variable(np.random.randn(pop_size, features), dtype=tf.float32)
    truth_ph = tf.placeholder(tf.float32, [1, features])
    crossover_mat_ph = tf.placeholder(tf.float32, [num_children, features])
    mutation_val_ph = tf.placeholder(tf.float32, [num_children, features])

    fitness = -tf.reduce_mean(tf.square(tf.subtract(population, truth_ph)), 1)
    top_vals, top_ind = tf.nn.top_k(fitness, k=pop_size)
    best_val = tf.reduce_min(top_vals)
    best_ind = tf.argmin(top_vals, 0)
    best_individual = tf.gather(population, best_ind)
    population_sorted = tf.gather(population, top_ind)
    parents = tf.slice(population_sorted, [0, 0], [num_parents, features])

    rand_parent1_ix = np.random.choice(num_parents, num_children)
    rand_parent2_ix = np.random.choice(num_parents, num_children)
    rand_parent1 = tf.gather(parents, rand_parent1_ix)
    rand_parent2 = tf.gather(parents, rand_parent2_ix)
    rand_parent1_sel = tf.multiply(rand_parent1, crossover_mat_ph)
    rand_parent2_sel = tf.multiply(rand_parent2, tf.subtract(1., crossover_mat_ph))
    children_after_sel = tf.add(rand_parent1_sel, rand_parent2_sel)
    mutated_children = tf.add(children_after_sel, mutation_val_ph)
    new_population = tf.concat(axis=0, values=[parents, mutated_children])
    step = tf.group(population.assign(new_population))
    init = tf.global_variables_initializer()
    sess.run(init)

    best_fits = []
    for i in range(generations):
        crossover_mat = np.ones(shape=[num_children, features])
        crossover_point = np.random.choice(np.arange(1, features - 1, step=1), num_children)
        for pop_ix in range(num_children):
            crossover_mat[pop_ix, 0:crossover_point[pop_ix]] = 0.
        mutation_prob_mat = np.random.uniform(size=[num_children, features])
        mutation_values = np.random.normal(size=[num_children, features])
        mutation_values[mutation_prob_mat >= mutation] = 0
        feed_dict = {truth_ph: truth.reshape([1, features]),
                     crossover_mat_ph: crossover_mat,
                     mutation_val_ph: mutation_values}
        step.run(feed_dict, session=sess)
        best_individual_val = sess.run(best_individual, feed_dict=feed_dict)
        if i % 5 == 0:
            best_fit = sess.run(best_val, feed_dict=feed_dict)
            best_fits.append(-best_fit)
    final_best_fit = sess.run(tf.reduce_max(fitness), feed_dict=feed_dict)
    sess.close()
    return {"best_fits": float(np.sum(best_fits)),
            "best_individual_sum": float(np.sum(best_individual_val)),
            "final_best_fit": float(final_best_fit)}
