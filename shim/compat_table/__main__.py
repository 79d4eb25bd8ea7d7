"""``python -m shim.compat_table``: regenerate ``compat_table/numpy_api.{md,rst,json}``."""
import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
