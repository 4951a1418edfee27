"""`conduct screen NAME --server URL`: the matches from a running Conduct's loaded lists."""

from __future__ import annotations

import argparse
import sys

from conduct.pipeline._i18n import _
from conduct.pipeline.client import Client, RemoteError
from conduct.pipeline.output import SCREEN_USAGE, error_lines, no_lists, screen_json, screen_lines

ALERT_THRESHOLD = 0.80  # the server's default (conduct.core.thresholds), sent explicitly when not given


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(text)s is not a number") % {"text": repr(text)}) from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(_("must be above 0 and at most 1"))
    return value


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(text)s is not a whole number") % {"text": repr(text)}) from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(_("must be between 1 and 100"))
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conduct screen", description=_("Screen one name on a Conduct server.")
    )
    parser.add_argument("name", nargs="?", help=_("The name to screen"))
    parser.add_argument("--type", dest="entity_type", help=_("person, organization, vessel, aircraft"))
    parser.add_argument("--country", help=_("ISO 3166-1 alpha-2 code (or a country name)"))
    parser.add_argument("--birth-date", dest="birth_date", help=_("YYYY, YYYY-MM or YYYY-MM-DD"))
    parser.add_argument("--json", action="store_true", help=_("Print the matches as JSON"))
    parser.add_argument("--input", help=_("(local only; with --server use /api/v1/screening/batch)"))
    parser.add_argument("--output", help=_("(local only)"))
    parser.add_argument("--threshold", type=_threshold, default=None, help=_("Least score reported"))
    parser.add_argument(
        "--limit", type=_limit, default=10, help=_("Matches per name, best first (default 10)")
    )
    return parser


def _usage(message: str) -> int:
    sys.stderr.write(_("error: %(message)s") % {"message": message} + "\n")
    return SCREEN_USAGE


def screen(client: Client, argv: list[str]) -> int:
    opts = _parser().parse_args(argv)
    if opts.input or opts.output:
        return _usage(
            "--input/--output screen a file locally; with --server send the names to "
            "POST /api/v1/screening/batch"
        )
    if not opts.name:
        return _usage("give a NAME to screen")
    payload = {
        "name": opts.name,
        "type": opts.entity_type,
        "country": opts.country,
        "birth_date": opts.birth_date,
        "limit": opts.limit,
        "threshold": opts.threshold,
    }
    answer = client.call(
        "POST", "/screening/search", body={k: v for k, v in payload.items() if v is not None}
    )
    if answer.error is not None:
        sys.stderr.write("".join(line + "\n" for line in error_lines(*answer.error)))
        return SCREEN_USAGE
    body = answer.body
    if not isinstance(body, dict) or not isinstance(body.get("matches"), list):
        raise RemoteError(_("%(server)s answered without matches") % {"server": client.server})
    lists = body.get("lists") or []
    threshold = float(body.get("threshold", opts.threshold or ALERT_THRESHOLD))
    if not lists:
        sys.stderr.write(no_lists() + "\n")
    if opts.json:
        query = {
            "name": opts.name,
            "type": opts.entity_type,
            "country": opts.country,
            "birth_date": opts.birth_date,
        }
        sys.stdout.write(screen_json(query, threshold, lists, body["matches"]) + "\n")
    else:
        sys.stdout.write("\n".join(screen_lines(opts.name, threshold, lists, body["matches"])) + "\n")
    return 0
