"""dmpilot's edge: the HTTP API, the CLI, settings and the demo shop."""

__version__ = "0.1.0"
