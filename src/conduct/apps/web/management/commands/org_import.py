"""conduct org import FILE.yaml — org units, liaisons and committees, in data/demo/organisation.yaml's format.

Idempotent (what exists already, by unit code, committee slug or user, is left as it is) and all or nothing:
every problem is reported as one line naming its place in the file (`units[3].country: ...`), and then nothing
is imported. Users must exist already (`conduct users create`). Other keys of the file (users, supply_chain,
...) are not read. It lives in the top layer (web) because it calls governance's committee services as well
as accounts'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts import services as accounts
from conduct.apps.accounts.actors import CLI
from conduct.apps.accounts.models import Liaison, OrgUnit, User
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.governance import services as governance
from conduct.apps.governance.models import Committee, CommitteeMember

READ = ("units", "liaisons", "committees")


class ImportProblems(Exception):
    """Raised inside the transaction to roll it back when any row had a problem."""


class Command(ConductCommand):
    help = gettext_noop(
        "Import org units, liaisons and committees from a YAML file (idempotent, all or nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        spec = _read(path)
        importer = _Importer()
        try:
            with transaction.atomic():
                importer.run(spec)
                if importer.problems:
                    raise ImportProblems
        except ImportProblems:
            for problem in importer.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                _("%(count)d problem(s) in %(file)s; nothing was imported.")
                % {"count": len(importer.problems), "file": path}
            ) from None
        counts = ", ".join(f"{n} {what}" for what, n in importer.created.items())
        self.stdout.write(_("Imported %(file)s: created %(counts)s.") % {"file": path, "counts": counts})


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(_("%(file)s: no such file") % {"file": path}) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from None
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CommandError(
            _("%(path)s:%(where)s: not valid YAML (%(problem)s)")
            % {"path": path, "where": where, "problem": problem}
        ) from None
    if not isinstance(spec, dict):
        raise CommandError(
            _("%(file)s: expected a mapping with units, liaisons and committees") % {"file": path}
        )
    if not any(key in spec for key in READ):
        raise CommandError(_("%(file)s: none of units, liaisons, committees is in it") % {"file": path})
    return spec


class _Importer:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.created = {"units": 0, "liaisons": 0, "committees": 0, "committee members": 0}

    def _row(self, where: str, service: Any, **kwargs: Any) -> Any:
        """Run one row's service in a savepoint; a problem is noted (a line per field) and the row skipped."""
        try:
            with transaction.atomic():
                return service(actor=CLI, **kwargs)
        except ServiceError as exc:
            if exc.fields:
                self.problems.extend(f"{where}.{name}: {problem}" for name, problem in exc.fields.items())
            else:
                self.problems.append(f"{where}: {exc.message}")
        except ValueError as exc:
            self.problems.append(f"{where}: {exc.__class__.__name__}: {exc}")
        return None

    def _list(self, spec: dict[str, Any], key: str, kind: type) -> Any:
        value = spec.get(key) or kind()
        if not isinstance(value, kind):
            self.problems.append(
                _("%(key)s: expected a %(value)s")
                % {"key": key, "value": "list" if kind is list else "mapping"}
            )
            return kind()
        return value

    def _user(self, where: str, username: Any) -> User | None:
        user = User.objects.filter(username=str(username)).first() if isinstance(username, str) else None
        if user is None:
            self.problems.append(
                _("%(where)s: no user %(username)s (create it with `conduct users create`)")
                % {"where": where, "username": repr(username)}
            )
        return user

    def run(self, spec: dict[str, Any]) -> None:
        for index, row in enumerate(self._list(spec, "units", list)):
            self._unit(f"units[{index}]", row)
        for code, usernames in self._list(spec, "liaisons", dict).items():
            self._liaisons(f"liaisons.{code}", code, usernames)
        for index, row in enumerate(self._list(spec, "committees", list)):
            self._committee(f"committees[{index}]", row)

    def _unit(self, where: str, row: Any) -> None:
        if not isinstance(row, dict):
            self.problems.append(
                _("%(where)s: expected a mapping of code, name, kind, country, parent") % {"where": where}
            )
            return
        missing = [key for key in ("code", "name", "kind", "country") if not row.get(key)]
        if missing:
            self.problems.extend(f"{where}.{key}: required" for key in missing)
            return
        if OrgUnit.objects.filter(code=str(row["code"])).exists():
            return
        parent = None
        if row.get("parent"):
            parent = OrgUnit.objects.filter(code=str(row["parent"])).first()
            if parent is None:
                self.problems.append(
                    _("%(where)s.parent: no unit %(parent)s in the database or earlier in the file")
                    % {"where": where, "parent": repr(row["parent"])}
                )
                return
        unit = self._row(
            where,
            accounts.orgunit_create,
            code=str(row["code"]),
            name=str(row["name"]),
            kind=str(row["kind"]),
            country=str(row["country"]),
            parent=parent,
        )
        if unit is not None:
            self.created["units"] += 1

    def _liaisons(self, where: str, code: Any, usernames: Any) -> None:
        unit = OrgUnit.objects.filter(code=str(code)).first()
        if unit is None:
            self.problems.append(_("%(where)s: no unit %(code)s") % {"where": where, "code": repr(code)})
            return
        if not isinstance(usernames, list):
            self.problems.append(_("%(where)s: expected a list of user names") % {"where": where})
            return
        for index, username in enumerate(usernames):
            user = self._user(f"{where}[{index}]", username)
            if user is None or Liaison.objects.filter(user=user, org_unit=unit).exists():
                continue
            done = self._row(
                f"{where}[{index}]", accounts.liaison_assign, user=user, unit=unit, is_primary=True
            )
            if done is not None:
                self.created["liaisons"] += 1

    def _committee(self, where: str, row: Any) -> None:
        if not isinstance(row, dict):
            self.problems.append(
                _("%(where)s: expected a mapping of slug, name, mandate, members") % {"where": where}
            )
            return
        committee = Committee.objects.filter(slug=str(row.get("slug") or "")).first()
        if committee is None:
            committee = self._row(
                where,
                governance.committee_create,
                slug=str(row.get("slug") or ""),
                name=str(row.get("name") or ""),
                mandate=str(row.get("mandate") or ""),
                description=str(row.get("description") or ""),
            )
            if committee is None:
                return
            self.created["committees"] += 1
        members = row.get("members") or []
        if not isinstance(members, list):
            self.problems.append(_("%(where)s.members: expected a list of {user, role}") % {"where": where})
            return
        for index, member in enumerate(members):
            at = f"{where}.members[{index}]"
            if not isinstance(member, dict):
                self.problems.append(_("%(at)s: expected a mapping of user and role") % {"at": at})
                continue
            user = self._user(f"{at}.user", member.get("user"))
            if user is None or CommitteeMember.objects.filter(committee=committee, user=user).exists():
                continue
            added = self._row(
                at,
                governance.committee_member_add,
                committee=committee,
                user=user,
                role=str(member.get("role") or "member"),
            )
            if added is not None:
                self.created["committee members"] += 1
