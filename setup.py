"""Packaging that pyproject.toml cannot say: the schemas in schema/ ship inside the package as builder/schema/."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["builder*"]), "builder.schema"], package_dir={"builder.schema": "schema"})
