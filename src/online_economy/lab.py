"""``python -m online_economy.lab [FOLDER]`` (``make lab``): JupyterLab on 127.0.0.1 with a
project-local configuration in ``.cache/jupyter/`` (``styles/jupyterlab-config.json``: no news
or update prompt, every cell laid out so what students scroll to is drawn at once), the bundled
CJK font in a custom CSS, and the project kernel, installed in the environment and the default."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from online_economy import paths
from online_economy.cli import OneLineParser, run_command
from online_economy.errors import InputError
from online_economy.plotting import FONT_PATH
from online_economy.publish import Interrupted, exit_quietly

KERNEL_NAME = "online-economy"
KERNEL_DISPLAY = "Python (online-economy)"
KERNEL = Path(sys.prefix, "share", "jupyter", "kernels", KERNEL_NAME)
STYLES = Path(__file__).with_name("styles")
CONFIG = json.loads((STYLES / "jupyterlab-config.json").read_text(encoding="utf-8"))
HOME = paths.CACHE / "jupyter"
SHARED = {"PYTHONHASHSEED": "0", "MPLCONFIGDIR": str(paths.CACHE / "matplotlib")}
FOLDERS = {"JUPYTER_CONFIG_DIR": "config", "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
           "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTER_RUNTIME_DIR": "runtime",
           "JUPYTER_DATA_DIR": "data", "NPM_CONFIG_CACHE": "npm", "IPYTHONDIR": "ipython"}


def _write_if_changed(path: Path, content: bytes | dict) -> None:
    """Write ``content`` (bytes, or a dict as JSON) to ``path`` unless it holds exactly that."""
    data = content if isinstance(content, bytes) else json.dumps(content, indent=1).encode()
    if not (path.is_file() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def prepare(home: Path = HOME) -> dict[str, str]:
    """Write the configuration under ``home`` and the project kernel into this environment;
    return the environment that keeps every Jupyter and IPython folder under ``home``."""
    env = {name: str(home / sub) for name, sub in FOLDERS.items()}
    env.update(SHARED, JUPYTER_PLATFORM_DIRS="1")
    config = Path(env["JUPYTER_CONFIG_DIR"])
    for name, content in CONFIG.items():
        _write_if_changed(config / name, content)
    _write_if_changed(config / "custom" / "custom.css", (STYLES / "jupyterlab.css").read_bytes())
    _write_if_changed(config / "custom" / FONT_PATH.name, FONT_PATH.read_bytes())
    _write_if_changed(KERNEL / "kernel.json", {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY, "language": "python", "env": SHARED,
        "metadata": {"debugger": True},
    })
    return env


def command(folder: Path, port: int | None = None) -> list[str]:
    """The ``jupyter lab`` command line for ``folder`` (loopback only, no token)."""
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
            "--IdentityProvider.token=", "--ServerApp.password="]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    return argv + (["--allow-root"] if os.geteuid() == 0 else [])


def main(argv: list[str] | None = None) -> int:
    """Prepare the configuration and run JupyterLab until it stops."""
    parser = OneLineParser(prog="python -m online_economy.lab", description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=paths.ROOT / "notebooks",
                        help="the folder to open (default: notebooks)")
    parser.add_argument("--port", type=int, default=None, help="port (default: 8888 or next)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="write the configuration and kernel, do not start JupyterLab")
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"argument --port: {args.port} is not a port (1-65535)")

    def work() -> int:
        if not args.folder.is_dir():
            raise InputError(f"no such folder: {args.folder}")
        env = prepare()
        if args.prepare_only:
            print(f"Jupyter configuration written to {HOME}; kernel {KERNEL_DISPLAY!r}")
            return 0
        return serve(command(args.folder.resolve(), args.port), {**os.environ, **env})

    return run_command(work)


def serve(argv: list[str], env: dict[str, str]) -> int:
    """Run JupyterLab until it stops. Inside :func:`run_command`, Ctrl-C, SIGTERM or SIGHUP
    stops it too (passed on, then a kill after 10 s): the server never outlives the command."""
    server = subprocess.Popen(argv, env=env)
    try:
        return server.wait()
    except Interrupted as stop:  # a second Ctrl-C makes JupyterLab stop without asking
        server.send_signal(stop.exit_status - 128)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        raise


if __name__ == "__main__":
    exit_quietly(main())
