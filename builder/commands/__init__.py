"""Bodies of the command-line commands that are more than a call into one stage."""
