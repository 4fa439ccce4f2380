"""``python -m stakhanov_sim`` is the ``stakhanov-sim`` command."""

import sys

from stakhanov_sim.cli import main

sys.exit(main())
