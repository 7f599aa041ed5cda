"""The MkDocs adapter: the only code that imports MkDocs; thin hooks around one build's state."""
