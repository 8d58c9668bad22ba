"""question → understanding → plan → answer from typed data or retrieved passages → citations."""
