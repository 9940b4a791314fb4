"""``python -m online_economy.lab [FOLDER]`` (``make lab``): JupyterLab on 127.0.0.1 with a
project-local configuration in ``.cache/jupyter/`` (``styles/jupyterlab-config.json``: no news
or update prompt, every cell laid out so what students scroll to is drawn at once), the bundled
CJK font in a custom CSS, and the project kernel, installed in the environment and the default.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError
from online_economy.plotting import FONT_PATH
from online_economy.publish import exit_quietly

KERNEL_NAME = "online-economy"
KERNEL_DISPLAY = "Python (online-economy)"
STYLES = Path(__file__).with_name("styles")
CONFIG = json.loads((STYLES / "jupyterlab-config.json").read_text(encoding="utf-8"))
SERVER_CONFIG = CONFIG["jupyter_server_config.json"]
HOME = paths.CACHE / "jupyter"
SHARED = {"PYTHONHASHSEED": "0", "MPLCONFIGDIR": str(paths.CACHE / "matplotlib")}
FOLDERS = {"JUPYTER_CONFIG_DIR": "config", "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
           "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTER_RUNTIME_DIR": "runtime",
           "JUPYTER_DATA_DIR": "data", "NPM_CONFIG_CACHE": "npm", "IPYTHONDIR": "ipython"}


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (atomically) unless it already holds exactly that."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=1) + "\n").encode()


def install_kernel(prefix: Path | None = None) -> Path:
    """Install (or refresh) the project kernel, this environment's Python; return its folder."""
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    _write_if_changed(folder / "kernel.json", _json({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY, "language": "python", "env": SHARED,
        "metadata": {"debugger": True},
    }))
    return folder


def prepare(home: Path = HOME) -> dict[str, str]:
    """Write the configuration under ``home``; return the environment that keeps every
    Jupyter and IPython folder there."""
    if not FONT_PATH.is_file():
        raise InputError(f"bundled font missing: {FONT_PATH}")
    env = {name: str(home / sub) for name, sub in FOLDERS.items()}
    env.update(SHARED, JUPYTER_PLATFORM_DIRS="1")
    config = Path(env["JUPYTER_CONFIG_DIR"])
    for name, content in CONFIG.items():
        _write_if_changed(config / name, _json(content))
    _write_if_changed(config / "custom" / "custom.css", (STYLES / "jupyterlab.css").read_bytes())
    _write_if_changed(config / "custom" / FONT_PATH.name, FONT_PATH.read_bytes())
    install_kernel()
    return env


def command(folder: Path, port: int | None = None, token: str = "") -> list[str]:
    """The ``jupyter lab`` command line for ``folder`` (loopback only)."""
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
            f"--IdentityProvider.token={token}", "--ServerApp.password="]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    return argv + (["--allow-root"] if os.geteuid() == 0 else [])


def main(argv: list[str] | None = None) -> int:
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
    try:
        if not args.folder.is_dir():
            raise InputError(f"no such folder: {args.folder}")
        env = prepare()
    except (InputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.prepare_only:
        print(f"Jupyter configuration written to {HOME}; kernel {KERNEL_DISPLAY!r}")
        return 0
    return serve(command(args.folder.resolve(), args.port, args.token), {**os.environ, **env})


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
        received.insert(0, signal.SIGINT)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        print("interrupted", file=sys.stderr)
        return 128 + received[0]
    return status


if __name__ == "__main__":
    exit_quietly(main())
