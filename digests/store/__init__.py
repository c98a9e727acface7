"""Storage: SQLAlchemy tables, Alembic migrations and the repository the pipeline uses."""

from digests.store.db import open_database
from digests.store.repo import FeedHealth, NewArticle, Store

__all__ = ["FeedHealth", "NewArticle", "Store", "open_database"]
