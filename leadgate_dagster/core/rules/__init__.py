"""The ruleset's sections as frozen, typed models: parsed once (`core/rules/document.py`), read as attributes.

One module per section family; `document.py` assembles them and turns validation errors into messages that
name the dotted key path and, for a YAML file, its line.
"""
