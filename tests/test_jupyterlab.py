"""JupyterLab on loopback: the notebooks are listed, a kernel runs a notebook's cells.

The server's root is the real notebooks/ folder, which it only reads (nothing is saved);
the smallest analysis notebook (fewest code cells) is run cell by cell.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from online_economy import paths, report

websocket = pytest.importorskip("websocket")

NOTEBOOKS = paths.ROOT / "notebooks"
SMOKE = "smoke.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A JupyterLab server on 127.0.0.1 with a random token, spoken to over REST."""

    def __init__(self, root: Path, home: Path) -> None:
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        env.update({
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "JUPYTER_PLATFORM_DIRS": "1",
        })
        self.log_path = home / "server.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
             "--LabServerApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=env,
        )

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with self.opener.open(req, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw.strip().startswith(b"{")
                                     or raw.strip().startswith(b"[") else raw)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, self.log_path.read_text()[-2000:]
            try:
                if self.request("GET", "/api/status", timeout=2)[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, f"server not ready in {timeout} s"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                self.request("POST", "/api/shutdown", timeout=5)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        self.log.close()


def _smoke_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Smoke 冒烟测试"),
        new_code_cell("import pandas as pd\nimport jieba\nimport matplotlib.pyplot as plt"),
        new_code_cell("from online_economy import paths\n"
                      "text = paths.TRANSCRIPT.read_text(encoding='utf-8')\nlen(text)"),
        new_code_cell("pd.Series(list('在线新经济')).value_counts().sum()"),
    ]
    return nb


def _code_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def _execute(ws, session: str, code: str, timeout: float = 120) -> dict:
    """Send one execute_request; return its execute_reply content."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv())
        if (msg.get("parent_header", {}).get("msg_id") == msg_id
                and msg.get("msg_type") == "execute_reply"):
            return msg["content"]
    raise AssertionError(f"no execute_reply within {timeout} s")


@pytest.fixture
def lab(tmp_path):
    """The server, rooted at notebooks/ (only read) or, while it has none, a smoke notebook."""
    if sorted(NOTEBOOKS.glob(report.NOTEBOOK_GLOB)):
        root = NOTEBOOKS
    else:
        root = tmp_path / "notebooks"
        root.mkdir()
        nbformat.write(_smoke_notebook(), root / SMOKE)
    home = tmp_path / "home"
    home.mkdir()
    server = Server(root, home)
    try:
        server.wait_ready()
        yield server, root
    finally:
        server.stop()


def test_lab_lists_notebooks_and_runs_one_in_a_kernel(lab):
    server, root = lab
    status, listing = server.request("GET", "/api/contents")
    assert status == 200
    names = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    assert names == {p.name for p in root.glob("*.ipynb")}
    assert server.request("GET", "/lab")[0] == 200

    analysis = sorted(root.glob(report.NOTEBOOK_GLOB), key=lambda p: len(_code_cells(p)))
    chosen = analysis[0] if analysis else root / SMOKE
    cells = _code_cells(chosen)
    assert cells
    status, kernel = server.request("POST", "/api/kernels", {"name": "python3", "path": "."})
    assert status == 201
    try:
        url = (f"ws://127.0.0.1:{server.port}/api/kernels/{kernel['id']}/channels"
               f"?token={server.token}")
        ws = websocket.create_connection(url, timeout=120, suppress_origin=True,
                                         http_no_proxy=["127.0.0.1"])
        try:
            session = uuid.uuid4().hex
            for i, code in enumerate(cells):
                reply = _execute(ws, session, code)
                assert reply["status"] == "ok", (chosen.name, i, reply.get("ename"),
                                                 reply.get("evalue"))
        finally:
            ws.close()
    finally:
        status, _ = server.request("DELETE", f"/api/kernels/{kernel['id']}")
    assert status == 204
    assert server.request("GET", "/api/kernels")[1] == []
