"""The sample operator files (YAML), shipped as package data."""
