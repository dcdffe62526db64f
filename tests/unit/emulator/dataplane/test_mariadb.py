"""Where a lab MariaDB puts its socket: mariadbd aborts at start on a path over 107 bytes,
which pytest's and a deep `--out`'s directories reach."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tradedr.emulator.dataplane.mariadb import SOCKET_PATH_MAX, MariaDbServer


def server(root: Path) -> MariaDbServer:
    return MariaDbServer(
        name="orders",
        region="us-east-1",
        server_id=1,
        port=3306,
        root=root,
        app_user="app",
        app_password="x",
        repl_password="y",
    )


@pytest.mark.parametrize(
    ("root", "beside"),
    [
        (Path("/tmp/lab/db/1-orders"), True),
        (Path("/tmp") / ("d" * 120) / "1-trading-prod-orders-primary-use1", False),
    ],
)
def test_the_socket_path_fits_a_unix_socket(root: Path, beside: bool) -> None:
    path = server(root).socket
    assert len(os.fsencode(path)) <= SOCKET_PATH_MAX
    assert (path.parent == root) is beside


def test_two_long_roots_get_two_sockets() -> None:
    deep = Path("/tmp") / ("d" * 120)
    assert server(deep / "1-a").socket != server(deep / "2-b").socket
