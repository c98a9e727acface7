"""Khobor's news pipeline: fetch, parse, extract, store (and later summarise and group).

This package never imports ``bot``, ``discord``, ``slack_bolt`` or ``slack_sdk``.
"""
