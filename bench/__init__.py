"""vidbench: bench."""
