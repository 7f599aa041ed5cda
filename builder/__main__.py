"""Lets `python -m builder` run the command-line interface."""

import sys

from builder.cli import main

sys.exit(main())
