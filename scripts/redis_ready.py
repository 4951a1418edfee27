"""Exit 0 when the Redis server in the URL answers, 1 otherwise (used by `make test` for the RQ stage)."""

from __future__ import annotations

import sys

import redis


def main() -> int:
    try:
        redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
