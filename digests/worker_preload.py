"""Imported once by the worker pool's fork server, before it forks each worker (:func:`digests.workers.worker_context`):
the workers' modules and the language identifier's model, loaded once and shared by every worker."""

from digests.workers import preload

preload()
