"""Evidence: records (lawsuits, findings, reports…) that back agency-specific demands."""
