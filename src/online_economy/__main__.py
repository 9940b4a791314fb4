"""``python -m online_economy``: see :mod:`online_economy.cli`."""

import os
import signal


def _stop_while_starting(signum: int, _frame: object) -> None:
    """Ctrl-C, SIGTERM or SIGHUP while the modules load: nothing is written yet; one line."""
    os.write(2, b"interrupted\n")
    os._exit(128 + signum)


for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _stop_while_starting)

from .cli import main  # noqa: E402  (after the handlers: the imports take a moment)
from .publish import exit_quietly  # noqa: E402

exit_quietly(main())
