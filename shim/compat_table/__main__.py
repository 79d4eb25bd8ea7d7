"""``python -m shim.compat_table``: regenerate ``compat_table/numpy_api.{md,rst,json}``.

``--examples``: ``compat_table/examples.{md,json}`` instead.
"""
import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
