"""Verification as tasks on a real dask.distributed cluster (a LocalCluster with two worker
processes): the certificate is the same as a local run's, on every path."""

from __future__ import annotations

import importlib

import pytest
from exactnet_cli.main import app
from oracle import moved
from typer.testing import CliRunner

import exactnet
from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.synthetic import integer_data
from exactnet.rational import Q
from exactnet.verifier import verify

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def on_cluster(client, net, data, **options):
    """``verify(net, data, client=client, **options)``, asserting that its blocks ran as tasks on the cluster."""
    with distributed.get_task_stream(client) as stream:
        result = verify(net, data, client=client, **options)
    assert len(stream.data) >= 2, "the blocks did not run on the cluster"
    return result


def _same(a, b) -> None:
    assert (a.exact, a.max_error, a.failed, a.failures, a.arithmetic, a.engine, a.points) == \
           (b.exact, b.max_error, b.failed, b.failures, b.arithmetic, b.engine, b.points)


@pytest.mark.parametrize("engine", ["float64", "prefix", "integer"])
def test_dyadic_paths_give_the_local_certificate(client, engine, monkeypatch):
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.dyadic"), "BLOCK", 64)  # several tasks
    data = integer_data(300, 4, 1)
    net = exactnet.build(data, exact_in="float64")
    for n in (net, moved(net, 2, 0, 0, Q(1, 2**100))):
        _same(verify(n, data, engine=engine), on_cluster(client, n, data, engine=engine))


def test_the_general_path_gives_the_local_certificate(client, monkeypatch):
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.general"), "BLOCK", 20)
    data = integer_data(100, 3, 2)
    net = build_two_layer(data, 10, 10)
    for n in (net, moved(net, 1, 0, 0, Q(1, 2**100))):
        _same(verify(n, data, engine="flint"), on_cluster(client, n, data, engine="flint"))


def test_cli_verify_with_a_scheduler_address(client, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("1,2,3\n4,5,6\n7,8,9\n10,11,12\n")
    runner = CliRunner()
    built = runner.invoke(app, ["build", str(data), "--exact-in", "float64", "-o", str(tmp_path / "n.json")])
    assert built.exit_code == 0
    address = client.scheduler.address
    result = runner.invoke(app, ["verify", str(tmp_path / "n.json"), str(data), "--scheduler", address, "-q"])
    assert result.exit_code == 0, result.output
    assert f"blocks as tasks on {address}" in result.output and "exact in float64" in result.output
    unreachable = runner.invoke(app, ["verify", str(tmp_path / "n.json"), str(data), "--scheduler",
                                      "tcp://127.0.0.1:9", "-q"])
    assert unreachable.exit_code == 2 and "cannot connect" in unreachable.output


def test_the_span_certificate_of_the_general_path_runs_on_the_cluster_too(client, monkeypatch):
    monkeypatch.setattr(importlib.import_module("exactnet.verifier.dyadic"), "BLOCK", 64)
    data = integer_data(100, 3, 2)
    net = exactnet.build(data, exact_in="float64")  # dyadic: its span certificate evaluates blocks
    with distributed.get_task_stream(client) as stream:
        cert = verify(net, data, engine="flint", client=client)
    functions = {task["key"].split("-")[0] for task in stream.data}
    assert "_block" in functions and len(functions) >= 2, functions  # the general blocks and the span blocks
    _same(verify(net, data, engine="flint"), cert)


def test_a_scheduler_that_accepts_and_stays_silent_or_speaks_http_is_one_line_not_a_hang(tmp_path):
    """A silent server held verify for 122 s (dask's timeout misses the handshake); an HTTP
    server made dask try to allocate 3 EiB. Real sockets on this machine, a real process."""
    import socket
    import subprocess
    import sys
    import threading

    data = tmp_path / "d.csv"
    data.write_text("1,2,3\n4,5,6\n7,8,9\n")
    exactnet.build([[1, 2], [4, 5], [7, 8]], [3, 6, 9], exact_in="float64").save(tmp_path / "n.json")
    for reply in (b"", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + b"\xff" * 64):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        held: list[socket.socket] = []

        def serve(server=server, reply=reply, held=held) -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                held.append(conn)
                if reply:
                    conn.sendall(reply)

        threading.Thread(target=serve, daemon=True).start()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        proc = subprocess.run([sys.executable, "-m", "exactnet_cli.main", "verify", str(tmp_path / "n.json"),
                               str(data), "--scheduler", address, "-q"], capture_output=True, text=True, timeout=90)
        server.close()
        for conn in held:
            conn.close()
        assert proc.returncode == 2, proc.stderr
        assert f"--scheduler {address}: cannot connect" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1  # and no hang: the run above has a time limit
