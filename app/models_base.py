"""Shared base of the product's models."""
from flask_appbuilder import Model  # noqa: F401  (one metadata with FAB's ab_* tables)
