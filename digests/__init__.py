"""Khobor's news pipeline: fetch, parse, extract, store, summarise, group into stories
and topics, compose digests and render them (Markdown, JSON).

This package never imports ``bot``, ``discord``, ``slack_bolt`` or ``slack_sdk``.
"""
