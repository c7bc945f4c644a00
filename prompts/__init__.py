"""Text and data that steer language: lexicons, NLU examples, templates, LLM prompts."""
