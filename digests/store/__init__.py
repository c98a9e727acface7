"""Storage: SQLAlchemy tables, Alembic migrations and the repository the pipeline uses."""

from digests.store.db import open_database
from digests.store.repo import FeedHealth, NewArticle, PendingText, Store

__all__ = ["FeedHealth", "NewArticle", "PendingText", "Store", "open_database"]
