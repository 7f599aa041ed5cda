"""Process-level speed machinery (a forked worker, kept compiled code), invisible to the core."""
