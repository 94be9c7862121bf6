"""The audit trail of reads of personal data."""
