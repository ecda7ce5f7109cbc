#!/usr/bin/env python3
"""Runs the `portrait bench ml` workloads through scikit-learn and prints comparable JSON lines.

    scripts/bench-sklearn.py --algo kmeans|lr|ftrl|streaming-kmeans --input F [--test F]
                             [--k K] [--max-iter N] [--seed S]

Same files (bench/gen_ml.py), same meaning of the fields as `portrait bench ml`:
  load_s      reading the CSV files (pandas)
  wall_s      fitting only (feature encoding included for lr/ftrl), like Portrait's
  rows_per_s  training rows / wall_s
  sse         KMeans inertia (sum of squared distances to the nearest centre)
  auc/logloss on the test file

Counterparts: kmeans → KMeans(k-means++, n_init=1, lloyd, tol=1e-4); lr → OneHotEncoder +
LogisticRegression(lbfgs, C=1); streaming-kmeans → MiniBatchKMeans.partial_fit, one pass in
batches of 1000; ftrl → scikit-learn has no FTRL, so one pass of SGDClassifier(log_loss)
.partial_fit over the same 2^20 signed-hashed features (the closest online learner it has).
Needs numpy, pandas, scikit-learn.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def peak_rss_mb():
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def clustering(a):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    t0 = time.perf_counter()
    x = pd.read_csv(a.input, dtype=np.float64).to_numpy()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    if a.algo == "kmeans":
        model = KMeans(n_clusters=a.k, init="k-means++", n_init=1, max_iter=a.max_iter, tol=1e-4,
                       algorithm="lloyd", random_state=a.seed).fit(x)
        wall = time.perf_counter() - t0
        sse, iterations = float(model.inertia_), int(model.n_iter_)
    else:
        model = MiniBatchKMeans(n_clusters=a.k, batch_size=1000, n_init=1, random_state=a.seed)
        batches = 0
        for start in range(0, len(x), 1000):
            model.partial_fit(x[start:start + 1000])
            batches += 1
        wall = time.perf_counter() - t0
        sse, iterations = float(-model.score(x)), batches
    return {"algo": a.algo, "rows": len(x), "load_s": round(load, 3), "wall_s": round(wall, 3),
            "rows_per_s": round(len(x) / wall), "sse": round(sse, 3), "iterations": iterations}


def prediction(a):
    from sklearn.metrics import log_loss, roc_auc_score

    t0 = time.perf_counter()
    train = pd.read_csv(a.input)
    test = pd.read_csv(a.test)
    load = time.perf_counter() - t0
    dense = [c for c in train.columns if c.startswith("f")]
    cats = [c for c in train.columns if c.startswith("c")]
    y, y_test = train["label"].to_numpy(), test["label"].to_numpy()
    iterations = None
    if a.algo == "lr":
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import OneHotEncoder

        t0 = time.perf_counter()
        encoder = OneHotEncoder(handle_unknown="ignore").fit(train[cats])
        x = sparse.hstack([sparse.csr_matrix(train[dense].to_numpy()), encoder.transform(train[cats])]).tocsr()
        model = LogisticRegression(C=1.0, max_iter=a.max_iter, solver="lbfgs").fit(x, y)
        wall = time.perf_counter() - t0
        x_test = sparse.hstack([sparse.csr_matrix(test[dense].to_numpy()), encoder.transform(test[cats])]).tocsr()
        iterations = int(model.n_iter_[0])
    else:
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.linear_model import SGDClassifier

        def hashed(frame):
            rows = ({**{c: v for c, v in zip(dense, r[:len(dense)])}, **{c: str(v) for c, v in zip(cats, r[len(dense):])}}
                    for r in frame[dense + cats].itertuples(index=False, name=None))
            return FeatureHasher(n_features=2 ** 20, alternate_sign=True).transform(rows)

        t0 = time.perf_counter()
        x = hashed(train)
        model = SGDClassifier(loss="log_loss", alpha=1e-6, random_state=a.seed)
        for start in range(0, x.shape[0], 1000):
            model.partial_fit(x[start:start + 1000], y[start:start + 1000], classes=[0, 1])
        wall = time.perf_counter() - t0
        x_test = hashed(test)
    p = model.predict_proba(x_test)[:, 1]
    result = {"algo": a.algo, "rows": len(y), "load_s": round(load, 3), "wall_s": round(wall, 3),
              "rows_per_s": round(len(y) / wall), "auc": round(float(roc_auc_score(y_test, p)), 6),
              "logloss": round(float(log_loss(y_test, p)), 6)}
    if iterations is not None:
        result["iterations"] = iterations
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--algo", choices=["kmeans", "lr", "ftrl", "streaming-kmeans"], required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--test")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--max-iter", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.algo in ("lr", "ftrl") and not a.test:
        ap.error("--test is required for lr and ftrl")
    result = clustering(a) if a.algo in ("kmeans", "streaming-kmeans") else prediction(a)
    result["system"] = "scikit-learn"
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
