"""The programme file format: its schema, reading and writing it, importing and exporting events."""
