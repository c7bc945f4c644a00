"""Nodes of the fan-out graph (graphs/fanout.py), one per module."""
