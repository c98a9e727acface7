"""The Slack adapter (slack-bolt, Socket Mode or HTTP) and its Block Kit renderer."""
