"""vidbench: parsers."""
