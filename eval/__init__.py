"""The gold evaluation set and its runner."""
