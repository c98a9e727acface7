"""The core: every command, subscription and permission, once, for every platform."""
