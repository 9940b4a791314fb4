"""JupyterLab for the project: its own configuration, font, kernel and a quiet first start.

``python -m online_economy.lab [FOLDER]`` (what ``make lab`` runs) writes a project-local
Jupyter configuration under ``.cache/jupyter/`` and starts JupyterLab on 127.0.0.1 with it:

- the bundled CJK font and a custom CSS that uses it for markdown, outputs, tables and code,
  so Chinese is drawn on machines with no CJK font (JupyterLab's ``LabApp.custom_css``);
- the project kernel "Python (online-economy)", installed into the environment (``.venv``)
  and chosen by default; the notebooks name it in their metadata;
- no news or update prompt, nothing fetched from the internet, the notebooks folder open;
- every Jupyter and IPython folder inside ``.cache/``: nothing is written to ``~/.jupyter``.

On loopback the server needs no token (``--token`` sets one).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError
from online_economy.plotting import FONT_PATH

KERNEL_NAME = "online-economy"
KERNEL_DISPLAY = "Python (online-economy)"
CSS_PATH = Path(__file__).with_name("styles") / "jupyterlab.css"
HOME = paths.CACHE / "jupyter"

SERVER_CONFIG = {
    "LabApp": {"custom_css": True, "news_url": None, "check_for_updates_class":
               "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
    "LabServerApp": {"extension_manager": "readonly"},
    "MappingKernelManager": {"default_kernel_name": KERNEL_NAME},
    "ServerApp": {"ip": "127.0.0.1", "open_browser": False, "terminals_enabled": False},
}
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
    # every cell attached and laid out: what students scroll to is drawn at once
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def kernel_spec() -> dict[str, object]:
    """The project kernel: this environment's Python running ipykernel."""
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY,
        "language": "python",
        "env": {"PYTHONHASHSEED": "0", "MPLCONFIGDIR": str(paths.CACHE / "matplotlib")},
        "metadata": {"debugger": True},
    }


def install_kernel(prefix: Path | None = None) -> Path:
    """Install (or refresh) the project kernelspec into the environment; return its folder."""
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    _write_if_changed(folder / "kernel.json", json.dumps(kernel_spec(), indent=1) + "\n")
    return folder


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (atomically) unless it already holds exactly that."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def environment(home: Path = HOME) -> dict[str, str]:
    """The variables that keep every Jupyter and IPython folder under ``home``."""
    return {
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "config" / "lab" / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "NPM_CONFIG_CACHE": str(home / "npm"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONHASHSEED": "0",
        "MPLCONFIGDIR": str(paths.CACHE / "matplotlib"),
    }


def prepare(home: Path = HOME) -> dict[str, str]:
    """Write the project-local configuration under ``home``; return the environment for it."""
    if not FONT_PATH.is_file():
        raise InputError(f"bundled font missing: {FONT_PATH}")
    env = environment(home)
    config = Path(env["JUPYTER_CONFIG_DIR"])
    _write_if_changed(config / "jupyter_server_config.json",
                      json.dumps(SERVER_CONFIG, indent=1) + "\n")
    custom = config / "custom"
    _write_if_changed(custom / "custom.css", CSS_PATH.read_text(encoding="utf-8"))
    font = custom / FONT_PATH.name
    if not font.is_file() or font.stat().st_size != FONT_PATH.stat().st_size:
        shutil.copyfile(FONT_PATH, font)
    for name, settings in LAB_SETTINGS.items():
        _write_if_changed(Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name,
                          json.dumps(settings, indent=1) + "\n")
    install_kernel()
    return env


def command(folder: Path, port: int | None = None, token: str = "") -> list[str]:
    """The ``jupyter lab`` command line for ``folder`` (loopback only)."""
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
            f"--IdentityProvider.token={token}", "--ServerApp.password="]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the configuration and run JupyterLab until it stops."""
    parser = argparse.ArgumentParser(prog="python -m online_economy.lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=paths.ROOT / "notebooks",
                        help="the folder to open (default: notebooks)")
    parser.add_argument("--port", type=int, default=None, help="port (default: 8888 or next)")
    parser.add_argument("--token", default="", help="require this token (default: none)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="write the configuration and kernel, do not start JupyterLab")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    try:
        if not folder.is_dir():
            raise InputError(f"no such folder: {args.folder}")
        env = prepare()
    except (InputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.prepare_only:
        print(f"Jupyter configuration written to {HOME}; kernel {KERNEL_DISPLAY!r}")
        return 0
    return serve(command(folder, args.port, args.token), {**os.environ, **env})


def serve(argv: list[str], env: dict[str, str]) -> int:
    """Run JupyterLab until it stops; a SIGTERM or SIGHUP to this process is passed on to it,
    so the server never outlives the command; Ctrl-C stops it (one line, status 130)."""
    proc = subprocess.Popen(argv, env=env)
    received: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        proc.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        status = proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            proc.kill()
            proc.wait()
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        print("interrupted", file=sys.stderr)
        return 128 + received[0]
    return status


def _shown(path: Path) -> str:
    """``path`` relative to the project root where it lies inside it."""
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    from online_economy.publish import exit_quietly

    exit_quietly(main())
