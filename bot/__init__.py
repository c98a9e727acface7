"""Khobor's runtime: settings, command line, core service, scheduler and chat adapters."""
