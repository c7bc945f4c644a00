"""dmpilot: offline-first DM assistant for creators (support package: settings, demo data)."""

__version__ = "0.1.0"
