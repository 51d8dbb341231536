#!/usr/bin/env python3
"""Build the UK Machine Learning Location Guide: `python build.py --help` for the options.

Run with the project's virtual environment's Python, or as the README says.
"""

import sys

from mlguide.cli import main

if __name__ == "__main__":
    sys.exit(main())
