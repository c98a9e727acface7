"""The Discord adapter: slash commands in, digests and replies out (``render`` is pure, ``adapter`` does I/O)."""
