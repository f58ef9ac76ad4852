"""``python -m trainkit`` runs the command line."""

import sys

from trainkit.cli.main import main

sys.exit(main())
