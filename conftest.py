"""Repository-wide pytest configuration.

The emulator's pytest plugin is registered by the ``pytest11`` entry point of the
installed package (``pip install -e ".[test]"``), exactly as downstream projects get it.
"""

import os

# Hypothesis keeps its example database out of the work tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(os.path.dirname(__file__), ".hypothesis"))
