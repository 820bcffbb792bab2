"""Content files are read with the shared, validating YAML reader."""

from bot.datafiles import load_yaml_model

__all__ = ["load_yaml_model"]
