"""Storage: SQLAlchemy tables, Alembic migrations and the repository the pipeline uses."""

from digests.store.db import open_database
from digests.store.feed_state import FeedHealth
from digests.store.repo import NewArticle, PendingText, Store
from digests.store.subscriptions import Subscription, Subscriptions

__all__ = ["FeedHealth", "NewArticle", "PendingText", "Store", "Subscription", "Subscriptions", "open_database"]
