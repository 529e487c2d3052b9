"""`leadgate serve`: the web app (intake and review API, review console, health checks) under uvicorn, on the
configured database or the embedded default. It will not listen beyond this machine with no API key and no
console user to check (nobody could post or review, or with `--insecure-dev` anybody could post), unless told
to."""

from __future__ import annotations

import argparse
import os
import sys

from leadgate_dagster.core.loopback import is_loopback
from leadgate_dagster.settings import API_INSECURE_ENV

APP = "leadgate_dagster.api.app:app"
# uvicorn's own loggers at warning, leadgate's (refused credentials, a failed verdict) at info, timestamped;
# given to uvicorn so that every worker process logs alike
LOG_CONFIG = {
    "version": 1, "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "WARNING"},
                "leadgate": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                "leadgate_dagster": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run the web app (intake and review API, review console) under uvicorn")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--insecure-dev", action="store_true",
                   help="accept posts without a key (source from X-Lead-Source); for a machine of your own only")
    p.set_defaults(run=lambda args: serve(host=args.host, port=args.port, workers=args.workers,
                                          insecure=args.insecure_dev))


def serve(*, host: str, port: int, workers: int, insecure: bool) -> int:
    import uvicorn

    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.store import api_keys, console_users
    from leadgate_dagster.store.embedded import stop_embedded

    runtime = prepare(dagster=False)
    with runtime.engine.connect() as conn:
        keys, users = api_keys.active_count(conn), console_users.active_count(conn)
    if not is_loopback(host) and not keys and not users and not insecure:
        print(f"leadgate serve: refusing to listen on {host} with no API key and no console user: nobody could "
              "post or review. Make a key with `leadgate keys add SOURCE` (or a user with `leadgate users add NAME "
              "--role admin`), or pass --insecure-dev to accept posts without a key.", file=sys.stderr)
        stop_embedded(runtime.home)
        return 2
    os.environ["LEADGATE_DATABASE_URL"] = runtime.database_url  # the workers use the server started here
    if insecure:
        os.environ[API_INSECURE_ENV] = "1"
        print("leadgate serve: --insecure-dev: posts without a key are accepted", file=sys.stderr)
    print(f"leadgate serve: http://{host}:{port}/v1/leads (active API keys: {keys}; docs at /docs); review console "
          f"at /review (active users: {users})", flush=True)
    try:
        uvicorn.run(APP, host=host, port=port, workers=workers, log_config=LOG_CONFIG, proxy_headers=True)
    finally:
        stop_embedded(runtime.home)
    return 0
