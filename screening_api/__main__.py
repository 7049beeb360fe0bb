"""``python -m screening_api`` runs the command line."""

import sys

from screening_api.cli import main

sys.exit(main())
