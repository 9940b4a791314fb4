"""The project-local JupyterLab setup: configuration, font, kernel, and a clean refusal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from online_economy import lab, paths
from online_economy.plotting import FONT_FAMILY, FONT_PATH


def test_prepare_writes_config_css_font_and_quiet_settings(tmp_path: Path) -> None:
    env = lab.prepare(tmp_path / "jupyter")
    config = Path(env["JUPYTER_CONFIG_DIR"])
    server = json.loads((config / "jupyter_server_config.json").read_text())
    assert server["LabApp"]["custom_css"] is True
    assert server["LabApp"]["news_url"] is None
    assert server["MappingKernelManager"]["default_kernel_name"] == lab.KERNEL_NAME
    css = (config / "custom" / "custom.css").read_text()
    assert f'font-family: "{FONT_FAMILY}"' in css and FONT_PATH.name in css
    assert (config / "custom" / FONT_PATH.name).read_bytes() == FONT_PATH.read_bytes()
    notify = (Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
              / "notification.jupyterlab-settings")
    assert json.loads(notify.read_text())["fetchNews"] == "false"
    # every Jupyter and IPython folder is inside the given home, none in the user's
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                "JUPYTERLAB_WORKSPACES_DIR", "JUPYTERLAB_SETTINGS_DIR"):
        assert Path(env[key]).is_relative_to(tmp_path), key
    # a second run changes nothing
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    lab.prepare(tmp_path / "jupyter")
    assert stamp == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}


def test_kernel_is_this_environment(tmp_path: Path) -> None:
    lab.prepare(tmp_path / "jupyter")
    folder = Path(sys.prefix, "share", "jupyter", "kernels", lab.KERNEL_NAME)
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert spec["display_name"] == lab.KERNEL_DISPLAY


def test_command_binds_loopback_config_and_folder(tmp_path: Path) -> None:
    argv = lab.command(tmp_path, port=9999)
    assert f"--ServerApp.root_dir={tmp_path}" in argv
    assert "--ServerApp.port=9999" in argv
    assert lab.CONFIG["jupyter_server_config.json"]["ServerApp"]["ip"] == "127.0.0.1"


def test_a_missing_folder_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert lab.main(["/no/such/folder", "--prepare-only"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no such folder") and err.count("\n") == 1


@pytest.mark.parametrize("port", ["0", "-5", "65536"])
def test_a_bad_port_is_one_line_and_exit_2(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        lab.main(["--port", port, "--prepare-only"])
    assert stop.value.code == 2
    assert capsys.readouterr().err == f"error: argument --port: {port} is not a port (1-65535) " \
                                      "(see --help)\n"


@pytest.mark.parametrize(
    "path",
    sorted(paths.ROOT.glob(f"notebooks/{paths.NOTEBOOK_GLOB}"))
    + sorted(paths.ROOT.glob("notebooks/solutions/*.ipynb")),
    ids=lambda p: p.name,
)
def test_every_notebook_names_the_project_kernel(path: Path) -> None:
    spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
    assert spec["name"] == lab.KERNEL_NAME and spec["display_name"] == lab.KERNEL_DISPLAY


def test_the_server_never_outlives_the_command(tmp_path: Path) -> None:
    """SIGTERM to `python -m online_economy.lab` stops JupyterLab too (no orphan server)."""
    import signal
    import subprocess
    import time

    child, ready = tmp_path / "child.py", tmp_path / "ready"
    child.write_text(f"import pathlib, time\npathlib.Path({str(ready)!r}).touch()\n"
                     "time.sleep(120)\n")
    wrapper = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from online_economy import cli, lab; "
         f"sys.exit(cli.run_command(lambda: lab.serve([sys.executable, {str(child)!r}], {{}})))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60  # the server has started (a busy machine may be slow)
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the child server never started"
    wrapper.send_signal(signal.SIGTERM)
    _, err = wrapper.communicate(timeout=30)
    assert wrapper.returncode == 143 and err == "interrupted\n"
    found = subprocess.run(["pgrep", "-f", str(child)], capture_output=True, text=True)
    assert found.stdout.strip() == "", "the server outlived the command"
