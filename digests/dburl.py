"""Which database URLs Khobor can open: the rule, once, for the settings check and for start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# Plain URL prefixes and the async driver each one is opened with.
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_PLAIN = (("sqlite://", "sqlite+aiosqlite://"), ("postgresql://", "postgresql+asyncpg://"),
          ("postgres://", "postgresql+asyncpg://"))
EXAMPLES = "use sqlite:///PATH/khobor.db or postgresql://USER:PASSWORD@HOST:5432/DATABASE"


def async_url(url: str) -> str:
    """The URL with the async driver filled in for plain ``sqlite://`` and ``postgresql://`` URLs."""
    for plain, driver in _PLAIN:
        if url.startswith(plain):
            return driver + url[len(plain):]
    return url


def check_database_url(url: str) -> URL:
    """The parsed URL; raises ValueError saying what is wrong (never the password) and what to use."""
    from sqlalchemy.engine import make_url  # only when a URL is set: check-settings starts fast without one
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(async_url(url.strip()))
    except (ArgumentError, ValueError) as exc:
        reason = "a bad port or IPv6 address" if isinstance(exc, ValueError) else "not a URL"
        raise ValueError(f"cannot read the database URL ({reason}); {EXAMPLES}") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in DRIVERS:
        raise ValueError(f"{backend!r} databases are not supported; {EXAMPLES}")
    if driver != DRIVERS[backend]:
        raise ValueError(f"the {backend} driver {driver!r} is not installed; drop '+{driver}' "
                         f"(Khobor uses {DRIVERS[backend]})")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ValueError(f"port {parsed.port} is out of range (1-65535)")
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        check_folder(Path(parsed.database).parent)
    return parsed


def check_folder(path: Path) -> None:
    """Raise ValueError when ``path`` cannot be a folder: it, or a folder above it, is a file, or the name
    cannot be one (a NUL character, a part longer than the file system allows)."""
    if "\0" in str(path):
        raise ValueError(f"{str(path)!r} holds a NUL character; give a folder's path")
    for place in (path, *path.parents):
        try:
            exists = place.exists()
        except OSError as exc:  # ENAMETOOLONG, EACCES: exists() re-raises all but "not there"
            raise ValueError(f"{_short(path)} cannot be a folder ({exc.strerror}); give a shorter path or "
                             "one this user may read") from None
        if exists:
            if place == path and not place.is_dir():
                raise ValueError(f"{str(path)!r} is a file, not a folder")
            if not place.is_dir():
                raise ValueError(f"{str(place)!r} is a file, so the folder {str(path)!r} cannot be made there")
            return


def _short(path: Path) -> str:
    """A path as quoted in a message, its middle left out when it is long."""
    text = str(path)
    return repr(text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}")
