"""``python -m bot`` runs the ``khobor`` command line."""

import sys

from bot.cli.main import main

sys.exit(main())
