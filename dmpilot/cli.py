"""Console-script shim: the CLI lives in ``app.cli`` (the HTTP/CLI edge)."""

from app.cli import main

__all__ = ["main"]
