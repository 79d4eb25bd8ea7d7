"""The version of shim, in one place: setup.cfg and ``shim.__version__`` read it."""
__version__ = "0.1.0"
