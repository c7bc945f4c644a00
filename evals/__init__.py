"""Offline evaluation: datasets in LangSmith example format, metrics and runners."""
