"""AI Impact Registry builder: load, validate, derive, render and export the registry."""

__version__ = "0.1.0"
