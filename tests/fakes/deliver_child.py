"""A delivery process for the crash tests: delivers a day's digests to every active subscription through the real
Slack adapter, then exits 0. The parent kills it at random moments and starts it again.

    python -m tests.fakes.deliver_child DATABASE_URL API_BASE_URL 2025-03-04 DATA_DIR

With ``KHOBOR_EXIT_AFTER_POSTS=N`` it exits (code 9, no cleanup) right after its N-th post returns, before the
record of that post is written: the worst moment to crash.

Starting Python and importing the bot takes seconds, so the tests use ``--zygote``: the process imports once,
then forks a fresh delivery process for each ``run N`` line on stdin (N: exit after N posts, 0 never) and
prints ``pid PID`` and, when that process ends, ``exit CODE`` (minus the signal if it was killed).
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.config import SlackConfig
from bot.app import App
from bot.core.ports import ChannelRef, Checkpoint, Posted
from bot.runtime.delivery import Deliverer
from bot.runtime.delivery_policy import DeliveryPolicy
from bot.settings import (
    CollectSettings,
    FeedSettings,
    RegionSettings,
    Secrets,
    Settings,
    SlackSettings,
    StorageSettings,
)
from digests.models import Digest
from digests.store.deliveries import Deliveries, Delivery

BOT_TOKEN = "xoxb-fake-bot-token"
LEASE_S = 0.5


async def crashed_posting(deliveries: Deliveries, *, subscription_id: int, digest_date: date, nonce: str,
                         now: datetime) -> Delivery:
    """A record as a killed process leaves it: posting, with its lease (held by a dead owner) run out by ``now``."""
    record = await deliveries.claim(subscription_id=subscription_id, digest_date=digest_date, nonce=nonce,
                                    late=False, now=now)
    then, lease = now - timedelta(minutes=5), timedelta(seconds=60)
    await deliveries.take(delivery_id=record.id, owner="dead", now=then, lease=lease)
    return await deliveries.mark_posting(delivery_id=record.id, owner="dead", now=then, lease=lease, late=False)


def child_settings(database_url: str, api_base_url: str, data_dir: Path) -> Settings:
    """One region, the given database, Slack pointed at the fake API."""
    region = RegionSettings(name="test", title="Test Region", timezone="Asia/Dhaka", languages=["en"],
                            feeds=[FeedSettings(url="http://127.0.0.1:9/feed", name="Nowhere")])
    return Settings(data_dir=data_dir, storage=StorageSettings(url=database_url), collect=CollectSettings(workers=0),
                    slack=SlackSettings(api_base_url=api_base_url), regions=[region],
                    secrets=Secrets(slack_bot_token=SecretStr(BOT_TOKEN)))


class ExitingSlack(SlackAdapter):
    """The Slack adapter, dying right after its ``exit_after``-th post returns."""

    exit_after = 0
    posts = 0

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, nonce: str | None = None,
                          resume: Posted | None = None, checkpoint: Checkpoint | None = None) -> Posted:
        posted = await super().post_digest(channel, digest, nonce=nonce, resume=resume, checkpoint=checkpoint)
        self.posts += 1
        if self.exit_after and self.posts >= self.exit_after:
            os._exit(9)
        return posted


async def main(database_url: str, api_base_url: str, day: date, data_dir: Path) -> int:
    settings = child_settings(database_url, api_base_url, data_dir)
    async with App(settings) as app:
        adapter = ExitingSlack(app.core_service(), SlackConfig.of(settings), pace=0)
        adapter.exit_after = int(os.environ.get("KHOBOR_EXIT_AFTER_POSTS", "0"))
        # A short lease: a killed run's records are free again soon (the real one outlasts any request).
        policy = DeliveryPolicy(rates={}, max_attempts=30, backoff_base_s=0.05, backoff_max_s=0.5,
                                lease=timedelta(seconds=LEASE_S))
        deliverer = Deliverer(app, {"slack": adapter}, policy=policy)
        subs = await app.subscriptions.all()
        print("ready", flush=True)
        statuses = await deliverer.deliver_many(subs, digest_date=day)
        for _ in range(5):  # what a killed run still held: again once its lease ran out (the schedule's sweep)
            busy = [s for s in subs if statuses[s.id] == "busy"]
            if not busy:
                break
            await asyncio.sleep(LEASE_S)
            statuses.update(await deliverer.deliver_many(busy, digest_date=day))
    print("done", sum(s == "posted" for s in statuses.values()), flush=True)
    return 0


def run_child(args: list[str], exit_after: int) -> None:
    """In a forked process: deliver, then leave without running the parent's cleanup."""
    os.environ["KHOBOR_EXIT_AFTER_POSTS"] = str(exit_after)
    try:
        code = asyncio.run(main(args[0], args[1], date.fromisoformat(args[2]), Path(args[3])))
    except BaseException as exc:  # report it, then exit like a crash
        print(f"error {exc!r}", flush=True)
        code = 1
    os._exit(code)


def zygote(args: list[str]) -> None:
    """Fork a delivery process per ``run N`` line; report its pid and how it ended."""
    for line in sys.stdin:
        if not line.startswith("run "):
            break
        pid = os.fork()
        if pid == 0:
            run_child(args, int(line.split()[1]))
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"exit {code}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote(sys.argv[2:])
    else:
        sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3]), Path(sys.argv[4]))))
