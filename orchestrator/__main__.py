"""``python -m orchestrator``: see :mod:`orchestrator.cli`."""
import sys

from orchestrator.cli import main

sys.exit(main())
