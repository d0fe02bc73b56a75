"""vidbench: orchestrator."""
