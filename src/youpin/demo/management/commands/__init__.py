"""The `youpin demo-data` command."""
