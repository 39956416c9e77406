"""The upload store: files outside static/, named by content hash, type checked by content."""
