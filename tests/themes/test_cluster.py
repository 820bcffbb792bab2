"""Clustering: a neighbour graph, spectral partitions, k chosen by modularity."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from bot.knowledge.embed import normalise
from bot.themes.cluster import (
    UNTHEMED,
    ClusterConfig,
    build_clusters,
    cluster_labels,
    knn_graph,
    modularity,
)


def blobs(k: int, per: int, dim: int = 24, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = normalise(rng.standard_normal((k, dim)))
    truth = np.repeat(np.arange(k), per)
    points = normalise(centres[truth] + 0.08 * rng.standard_normal((k * per, dim)))
    return points, truth


def two_words_each(n: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(n), 2)
    cols = np.tile([0, 1], n)
    return sp.csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, 2))


def test_the_neighbour_graph_is_symmetric_without_self_loops() -> None:
    points, _ = blobs(2, 20)
    graph = knn_graph(points, 5)
    assert (graph != graph.T).nnz == 0
    assert graph.diagonal().sum() == 0
    assert np.asarray(graph.sum(axis=1)).min() >= 5


def test_a_true_split_is_more_modular_than_a_random_one() -> None:
    points, truth = blobs(3, 30)
    graph = knn_graph(points, 8)
    shuffled: npt.NDArray[np.int64] = np.random.default_rng(0).permutation(truth)
    assert modularity(graph, truth) > 0.5 > modularity(graph, shuffled)


def test_the_number_of_clusters_comes_from_the_data() -> None:
    for k in (3, 6):
        points, truth = blobs(k, 40, seed=k)
        labels = cluster_labels(points, two_words_each(len(points)), ClusterConfig())
        assert len(set(labels)) == k
        assert adjusted_rand_score(truth, labels) > 0.95


def test_a_sample_is_clustered_and_the_rest_assigned() -> None:
    points, truth = blobs(4, 150, seed=3)
    config = ClusterConfig(fit_sample=200)
    labels = cluster_labels(points, two_words_each(len(points)), config)
    assert adjusted_rand_score(truth, labels) > 0.95


def test_messages_with_too_few_words_join_no_theme() -> None:
    points, _ = blobs(2, 30)
    counts = two_words_each(len(points)).tolil()
    counts[0, 1] = 0  # one word left
    labels = cluster_labels(points, counts.tocsr(), ClusterConfig(min_words=2))
    assert labels[0] == UNTHEMED
    assert (labels[1:] != UNTHEMED).all()


def test_clusters_hold_distinct_leaders_and_unit_centroids() -> None:
    points, _ = blobs(1, 6)
    labels = np.array([0, 0, 0, 1, 1, UNTHEMED])
    clusters = build_clusters(labels, ["a", "a", "b", "c", "c", "d"], points)
    assert [c.people for c in clusters] == [2, 1]
    assert [c.messages for c in clusters] == [3, 2]
    assert clusters[1].leaders == frozenset({"c"})
    assert all(abs(float(np.linalg.norm(c.centroid)) - 1) < 1e-5 for c in clusters)
