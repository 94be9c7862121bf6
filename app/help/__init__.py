"""Help requests, the triage workflow, priority, messages and notes."""
