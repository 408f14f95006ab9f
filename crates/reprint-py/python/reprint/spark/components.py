"""Connected components of a graph too big for one task: large-star and
small-star rounds (Kiveris et al., "Connected Components in MapReduce and
Beyond", SoCC 2014) over a DataFrame of edges.

Each round rewires every edge towards the smallest node it can see, so the
components become stars around their smallest node in O(log n) rounds;
the edges are checkpointed every round so the plan does not grow. The
result names every node's component by its smallest node, as the one-task
union-find does.
"""

from __future__ import annotations

from typing import Dict, Optional

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

#: A bound that is never reached on a graph that converges (rounds grow as
#: log n); passing it means something is wrong.
MAX_ROUNDS = 64


def join(left: DataFrame, right: DataFrame, on: str) -> DataFrame:
    """An inner join that never broadcasts: a broadcast side is gathered on
    the driver first, and the driver holds no part of the corpus (Spark
    would broadcast any side it estimates small)."""
    return left.join(right.hint("merge"), on)


def _oriented(edges: DataFrame) -> DataFrame:
    """Edges as (u, v) with u > v, once each, no self-loops."""
    return (
        edges.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
        .where(F.col("u") != F.col("v"))
        .distinct()
    )


def large_star(e: DataFrame) -> DataFrame:
    """Every node x links each larger neighbour to the smallest of x and
    its neighbours."""
    both = e.unionByName(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return _oriented(
        join(both, smallest, "u").where(F.col("v") > F.col("u")).select(F.col("v").alias("a"), F.col("m").alias("b"))
    )


def small_star(e: DataFrame) -> DataFrame:
    """Every node x links itself and its smaller neighbours to the smallest
    of them."""
    smallest = e.groupBy("u").agg(F.min("v").alias("m"))
    linked = join(e, smallest, "u")
    return _oriented(
        linked.select(F.col("v").alias("a"), F.col("m").alias("b")).unionByName(
            linked.select(F.col("u").alias("a"), F.col("m").alias("b"))
        )
    )


def _is_stars(e: DataFrame) -> bool:
    """Whether every node has one edge, to a node that links to none
    smaller: each component a star around its smallest node."""
    if e.groupBy("u").count().where(F.col("count") > 1).limit(1).count():
        return False
    return join(e.select(F.col("v").alias("u")), e.select("u"), "u").limit(1).count() == 0


def star_components(
    spark: SparkSession, edges: DataFrame, output: Optional[str] = None, stats: Optional[Dict[str, int]] = None
) -> DataFrame:
    """``edges`` (columns ``a``, ``b``) → ``ordinal``, ``component`` for
    every node in an edge, the component named by its smallest node.
    Checkpoints go to the context's checkpoint directory, or
    ``output/_checkpoints`` when it has none (local checkpoints without
    either). ``stats["component_rounds"]`` gets the rounds it took."""
    sc = spark.sparkContext
    if sc.getCheckpointDir() is None and output is not None:
        sc.setCheckpointDir(output.rstrip("/") + "/_checkpoints")
    reliable = sc.getCheckpointDir() is not None

    def checkpoint(df: DataFrame) -> DataFrame:
        return df.checkpoint() if reliable else df.localCheckpoint()

    e = checkpoint(_oriented(edges))
    for rounds in range(1, MAX_ROUNDS + 1):
        e = checkpoint(small_star(large_star(e)))
        if _is_stars(e):
            if stats is not None:
                stats["component_rounds"] = rounds
            break
    else:  # pragma: no cover - would be a bug
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    roots = e.select(F.col("v").alias("ordinal"), F.col("v").alias("component")).distinct()
    return e.select(F.col("u").alias("ordinal"), F.col("v").alias("component")).unionByName(roots)
