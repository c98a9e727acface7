"""Storage: SQLAlchemy tables, Alembic migrations and the repository the pipeline uses."""

from digests.store.db import open_database
from digests.store.repo import FeedHealth, NewArticle, PendingText, Store
from digests.store.subscriptions import Subscription, Subscriptions

__all__ = ["FeedHealth", "NewArticle", "PendingText", "Store", "Subscription", "Subscriptions", "open_database"]
