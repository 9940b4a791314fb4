"""``python -m online_economy``: see :mod:`online_economy.cli`."""

import sys

from .cli import main

sys.exit(main())
