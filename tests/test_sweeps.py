"""Parameter sweeps (issue 18): the same grid on the local pool and on a dask LocalCluster,
cancel, the cache, a worker that dies mid-sweep, CSV/NPZ export, and the mean-field phase
diagram of Brunel's network against its own formula."""
import csv
import sys
from pathlib import Path

import numpy as np
import pytest

from neurodynex_gui import sweeps
from neurodynex_gui.models import brunel

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

GRID = {"x": [1.0, 2.0, 3.0], "y": [0.5, -1.0]}


def test_parse_range():
    name, values = sweeps.parse_range("g=3:8:11")
    assert name == "g" and len(values) == 11 and values[1] == pytest.approx(3.5)
    assert sweeps.parse_range("nu_ratio=1,2.5")[1].tolist() == [1.0, 2.5]
    with pytest.raises(ValueError, match="g=3:8"):
        sweeps.parse_range("g=3:8")


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_the_local_pool_and_a_dask_cluster_give_the_same_grid(tmp_path, cluster):
    local = sweeps.run_sweep("sweep_jobs:product", GRID, cache_dir=tmp_path / "a")
    dask = sweeps.run_sweep("sweep_jobs:product", GRID, cluster, cache_dir=tmp_path / "b")
    expected = np.outer([1.0, 2.0, 3.0], [0.5, -1.0])
    np.testing.assert_array_equal(local.columns["xy"], expected)
    np.testing.assert_array_equal(dask.columns["xy"], expected)
    assert local.completed and dask.completed and local.computed == 6
    assert len(set(local.columns["pid"].ravel())) <= 2  # two worker processes
    # brian2 imports on a dask worker's task thread too
    rates = sweeps.run_sweep("sweep_jobs:brian2_rate", {"rate": [5.0, 7.0]}, cluster,
                             cache_dir=tmp_path / "c")
    assert rates.completed and rates.columns["rate"].tolist() == [5.0, 7.0]


def test_a_cached_sweep_reruns_only_missing_points(tmp_path):
    first = sweeps.run_sweep("sweep_jobs:product", {"x": [1.0, 2.0], "y": [3.0]},
                             cache_dir=tmp_path)
    assert first.computed == 2
    seen = []
    second = sweeps.run_sweep("sweep_jobs:product", {"x": [1.0, 2.0, 4.0], "y": [3.0]},
                              cache_dir=tmp_path, on_point=lambda i, *rest: seen.append(i))
    assert (second.cached, second.computed) == (2, 1)
    assert sorted(seen) == [0, 1, 2]
    np.testing.assert_array_equal(second.columns["xy"][:, 0], [3.0, 6.0, 12.0])


def test_cancel_stops_pending_points(tmp_path):
    finished = []
    grid = sweeps.run_sweep("sweep_jobs:product", {"x": np.arange(12.0), "y": [1.0]},
                            cache_dir=tmp_path, base={"delay": 0.3},
                            on_point=lambda i, *rest: finished.append(i),
                            should_stop=lambda: len(finished) >= 2)
    assert not grid.completed
    assert 2 <= grid.done.sum() < 12
    assert np.isnan(grid.columns["xy"][~grid.done]).all()


def test_a_worker_killed_mid_sweep_costs_only_a_retry(tmp_path):
    grid = sweeps.run_sweep("sweep_jobs:dies_once", {"x": [1.0, 2.0, 3.0, 4.0]},
                            base={"marker": str(tmp_path)}, cache_dir=tmp_path / "cache")
    assert grid.completed and not grid.failed
    np.testing.assert_array_equal(grid.columns["square"], [1.0, 4.0, 9.0, 16.0])
    assert (tmp_path / "died-2").exists()  # it did die once


def test_a_point_that_raises_is_reported_not_retried(tmp_path):
    grid = sweeps.run_sweep("sweep_jobs:product", {"x": [1.0, 2.0]},
                            cache_dir=tmp_path)  # y missing: TypeError at each point
    assert not grid.completed and len(grid.failed) == 2
    assert "TypeError" in grid.failed[0]


def test_export_csv_and_npz(tmp_path):
    grid = sweeps.run_sweep("sweep_jobs:product", GRID, cache_dir=tmp_path / "c")
    grid.to_npz(tmp_path / "g.npz")
    data = np.load(tmp_path / "g.npz")
    np.testing.assert_array_equal(data["column/xy"], grid.columns["xy"])
    np.testing.assert_array_equal(data["axis/y"], [0.5, -1.0])
    grid.to_csv(tmp_path / "g.csv")
    rows = list(csv.reader(open(tmp_path / "g.csv")))
    assert rows[0] == ["x", "y", "pid", "xy"]
    assert [float(v) for v in (rows[4][0], rows[4][1], rows[4][3])] == [2.0, -1.0, -2.0]


def test_mean_field_phase_diagram_rate_falls_with_inhibition(tmp_path):
    base = dict(N_Excit=1000, connection_probability=0.2, N_extern=200, w0=0.5)
    grid = sweeps.run_sweep("neurodynex_gui.models.brunel:mean_field_point",
                            {"g": [4.5, 5.0, 6.0], "nu_ratio": [1.5, 2.0]}, base=base,
                            cache_dir=tmp_path)
    rates = grid.columns["rate_Hz"]
    assert (np.diff(rates, axis=0) < 0).all()  # more inhibition: lower rate
    assert (np.diff(rates, axis=1) > 0).all()  # more input: higher rate
    direct = brunel.mean_field_rate(brunel.BrunelParams(
        **base, g=5.0, poisson_input_rate=2.0 * 10.0))  # nu_thr = 20 / (200 0.5 20e-3)
    assert rates[1, 1] == pytest.approx(direct)
