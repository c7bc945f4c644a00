"""The offline language back-end: NLU, planner, conflict rules and reply templates."""
