"""The command line: `khobor` and its commands, their terminal output, import and export."""
