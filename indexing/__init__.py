"""files → readers → parsed Report records → index (chunks + records)."""
