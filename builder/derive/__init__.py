"""Derivation, pure: records in, figures with formula, inputs and range out."""
