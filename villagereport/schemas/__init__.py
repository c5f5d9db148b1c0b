"""The JSON Schemas of the report and catalogue files."""
