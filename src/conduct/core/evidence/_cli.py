"""`conduct evidence verify FILE.zip [--public-key KEY.pem] [--json]`: offline, without Django or a database.

Exit 0 when every file matches the manifest, the signature is good and the ledger entries chain to signed
checkpoints; 1 naming the first file or entry that does not; 2 for a file that is not a bundle at all or bad
arguments (one line, never a traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from conduct.core._i18n import noop as N_
from conduct.core._i18n import translate

from ._bundle import BundleError, verify_bundle


def _fail(error: str) -> None:
    sys.stderr.write(translate(N_("conduct evidence verify: {error}")).format(error=error) + "\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        _fail(message)
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="conduct evidence verify", description=translate(N_("Check an evidence bundle offline."))
    )
    parser.add_argument("bundle", help=translate(N_("the bundle (.zip)")))
    parser.add_argument(
        "--public-key", help=translate(N_("the ledger's published public key (PEM); default: the bundle's"))
    )
    parser.add_argument("--json", action="store_true", help=translate(N_("print the result as JSON")))
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    public_pem = None
    if args.public_key:
        try:
            public_pem = Path(args.public_key).read_bytes()
        except OSError as exc:
            _fail(f"--public-key {args.public_key}: {exc.strerror}")
            return 2
    try:
        result = verify_bundle(args.bundle, public_pem=public_pem)
    except BundleError as exc:
        if args.json:
            sys.stdout.write(json.dumps({"ok": False, "error": str(exc)}) + "\n")
        _fail(exc.text.translated())
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
    else:
        (sys.stdout if result.ok else sys.stderr).write(result.text.translated() + "\n")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
