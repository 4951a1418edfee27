"""Watch lists and their versions, the parties Conduct screens, and the alerts their matches raise.

A list version is immutable once loaded; a reload makes a new version and records its diff. Alerts are one
row per (party, list, listed entry): the row remembers the review (a dismissal with the entry's content hash),
so a later screening knows whether the entry changed since.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.core.screening import ENTITY_TYPES, FORMATS, LIST_KINDS


class ListKind(models.TextChoices):
    SANCTIONS = "sanctions", _("Sanctions")
    EXPORT_CONTROL = "export_control", _("Export control")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    INVESTMENT = "investment", _("Investment restrictions")
    PEP = "pep", _("Politically exposed persons")
    CUSTOM = "custom", _("Custom")


class ListFormat(models.TextChoices):
    OFAC_SDN = "ofac_sdn", _("OFAC SDN (sdn.csv, alt.csv, add.csv)")
    OFAC_NON_SDN = "ofac_non_sdn", _("OFAC non-SDN consolidated (cons_*.csv)")
    UN_CONSOLIDATED = "un_consolidated", _("UN consolidated list (XML)")
    BIS_DPL = "bis_dpl", _("BIS Denied Persons List (dpl.txt)")
    US_CSL = "us_csl", _("US Consolidated Screening List (CSV)")
    FTM_JSON = "ftm_json", _("FollowTheMoney entities (JSON lines)")
    GENERIC_CSV = "generic_csv", _("Generic CSV")


class EntityType(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    UNKNOWN = "unknown", _("Unknown")


# The engine's vocabularies and these choices must agree (a new engine value needs a choice and a migration).
assert set(ListKind.values) == set(LIST_KINDS)
assert set(ListFormat.values) == set(FORMATS)
assert set(EntityType.values) == set(ENTITY_TYPES)


class WatchList(models.Model):
    """One published or in-house list (OFAC SDN, UN consolidated, an internal blocklist...)."""

    name = models.SlugField(max_length=60, unique=True, help_text="Short stable name, e.g. ofac_sdn")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ListKind.choices)
    format = models.CharField(max_length=20, choices=ListFormat.choices)
    source = models.CharField(max_length=500, blank=True, help_text="Where the files come from")
    created_at = models.DateTimeField(default=timezone.now)
    # The version stored parties were last delta-screened against (None: never).
    screened_version = models.ForeignKey(
        "WatchListVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> WatchListVersion | None:
        return self.versions.filter(is_current=True).first()


class WatchListVersion(models.Model):
    """One load of a list: the file it came from, its counts and its diff from the version before."""

    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ListKind.choices)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.CharField(max_length=200)
    path = models.CharField(max_length=500, help_text="File or folder name the version was read from")
    file_sha256 = models.CharField(max_length=64)
    source_date = models.CharField(max_length=10, blank=True, help_text="Date the publisher stamped, if any")
    entry_count = models.PositiveIntegerField(default=0)
    name_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    removed_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    removed = models.JSONField(default=list, blank=True, help_text="[{source_id, name}] of entries dropped")
    notes = models.JSONField(default=list, blank=True, help_text="What the reader skipped on purpose and why")
    is_current = models.BooleanField(default=False)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["watch_list__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["watch_list", "number"], name="watchlist_version_number"),
            models.UniqueConstraint(
                fields=["watch_list"],
                condition=models.Q(is_current=True),
                name="watchlist_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.watch_list.name} v{self.number}"

    @property
    def is_first(self) -> bool:
        return self.previous_id is None


class EntryChange(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    UNCHANGED = "unchanged", _("Unchanged")


class WatchListEntry(models.Model):
    """One listed party in one version, with the source's stable id and every name it gives."""

    version = models.ForeignKey(WatchListVersion, on_delete=models.CASCADE, related_name="entries")
    source_id = models.CharField(max_length=100)
    list_kind = models.CharField(max_length=20, choices=ListKind.choices)
    entity_type = models.CharField(max_length=20, choices=EntityType.choices)
    primary_name = models.CharField(max_length=500)
    names = models.JSONField(default=list, help_text="[{name, kind}]; names[0] is the primary name")
    countries = models.JSONField(default=list)
    birth_dates = models.JSONField(default=list)
    identifiers = models.JSONField(default=list, help_text="[[scheme, value]]")
    programs = models.JSONField(default=list)
    remarks = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    change = models.CharField(max_length=10, choices=EntryChange.choices)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "source_id"], name="watchlist_entry_source_id")
        ]
        indexes = [models.Index(fields=["version", "change"], name="watchlist_entry_change")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.primary_name}"


class PartyKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")
    END_USER = "end_user", _("End user")
    INTEGRATOR = "integrator", _("Integrator")
    CONSIGNEE = "consignee", _("Consignee")
    SDK_VENDOR = "sdk_vendor", _("SDK vendor")
    OTHER = "other", _("Other")


class ScreenedParty(models.Model):
    """A party Conduct keeps screening: named by the record that owns it ("supplier:12",
    "customer:CRM-881")."""

    reference = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=PartyKind.choices)
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)
    entity_type = models.CharField(max_length=20, choices=EntityType.choices, blank=True)
    country = models.CharField(max_length=2, blank=True)
    birth_date = models.CharField(max_length=10, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # sha256 of what is screened (names, type, country, birth date): a change re-opens dismissals.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name"], name="screened_party_name"),
            # What a gate's screen looks analysts' reviews up by (its plain SQL compares UPPER(name) with
            # UPPER(%s)): without it every screened name read every stored party.
            models.Index(Upper("name"), name="screened_party_name_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    @property
    def names(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a]]


class Strength(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    STRONG = "strong", _("Strong")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    CLOSED = "closed", _("Closed")


class Alert(models.Model):
    """A potential or strong match of a stored party on a listed entry, and where its review stands."""

    party = models.ForeignKey(ScreenedParty, on_delete=models.CASCADE, related_name="alerts")
    watch_list = models.ForeignKey(WatchList, on_delete=models.PROTECT, related_name="alerts")
    source_id = models.CharField(max_length=100)
    entry_version = models.ForeignKey(WatchListVersion, on_delete=models.PROTECT, related_name="+")
    entry_hash = models.CharField(max_length=64)
    entry = models.JSONField(help_text="The listed entry as it stood when last matched")
    list_kind = models.CharField(max_length=20, choices=ListKind.choices)
    entry_name = models.CharField(max_length=500)
    party_name = models.CharField(max_length=300, help_text="The party's name or alias that matched")
    party_fingerprint = models.CharField(max_length=64)
    matched_name = models.CharField(max_length=500)
    matched_name_kind = models.CharField(max_length=20)
    score = models.FloatField()
    strength = models.CharField(max_length=10, choices=Strength.choices)
    explanation = models.JSONField()
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    reason = models.TextField(blank=True, help_text="Why it was confirmed, dismissed or closed")
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The entry's hash and the party's fingerprint when last reviewed: a dismissal holds while both stay.
    reviewed_entry_hash = models.CharField(max_length=64, blank=True)
    reviewed_party_fingerprint = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        "governance.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="screening_alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["party", "watch_list", "source_id"], name="alert_party_entry"),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="alert_status"),
            models.Index(fields=["watch_list", "source_id"], name="alert_entry"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk}: {self.party.name} ~ {self.entry_name} ({self.status})"


class ReviewAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    ESCALATED = "escalated", _("Escalated to a case")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    UPDATED = "updated", _("Entry updated")


class AlertReview(models.Model):
    """One step in an alert's history: a person's review, or what screening did on its own."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=12, choices=ReviewAction.choices)
    from_status = models.CharField(max_length=10, choices=AlertStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AlertStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200)
    entry_version = models.ForeignKey(
        WatchListVersion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry_hash = models.CharField(max_length=64, blank=True)
    score = models.FloatField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action} by {self.actor_label}"


class RelationKind(models.TextChoices):
    OWNERSHIP = "ownership", _("Ownership")
    CONTROL = "control", _("Control")
    DIRECTORSHIP = "directorship", _("Directorship")


class EntityRelation(models.Model):
    """Who owns (with a share), controls or directs whom, between listed entries and parties.

    Ends are named by id: a listed entry's source id (bare, or "<list name>:<source id>") or a party's
    reference ("supplier:12"). Names are kept as the source gave them, so a gate can find an unlisted
    company by name. One row per (owner, owned, relation, source): a reload of a source updates its rows.
    """

    owner_ref = models.CharField(max_length=200, db_index=True)
    owner_name = models.CharField(max_length=300, blank=True)
    owned_ref = models.CharField(max_length=200, db_index=True)
    owned_name = models.CharField(max_length=300, blank=True)
    owned_key = models.CharField(max_length=300, blank=True, db_index=True, help_text="The name, folded")
    relation = models.CharField(max_length=20, choices=RelationKind.choices)
    share = models.FloatField(null=True, blank=True, help_text="Percent owned (0-100), ownership only")
    source = models.CharField(max_length=200)
    as_of = models.CharField(max_length=10, blank=True, help_text="Date the source states, if any")
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["owned_ref", "owner_ref", "relation"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_ref", "owned_ref", "relation", "source"], name="entity_relation_unique"
            ),
        ]

    def __str__(self) -> str:
        share = f" {self.share:g} %" if self.share is not None else ""
        return f"{self.owner_ref} {self.relation}{share} of {self.owned_ref}"


class ListSource(models.Model):
    """Where a watch list is fetched from on a schedule, and how the last fetches went.

    The list it loads into has the source's name. A fetch that fails (unreachable, too large, malformed)
    changes no list: the last good version stays in force and the failure is recorded here."""

    name = models.SlugField(max_length=60, unique=True, help_text="The watch list it loads, e.g. un_sc")
    url = models.CharField(max_length=1000, help_text="http(s) URL, or a path on the server")
    format = models.CharField(max_length=20, choices=ListFormat.choices)
    kind = models.CharField(max_length=20, choices=ListKind.choices)
    interval_hours = models.PositiveIntegerField(default=24)
    max_bytes = models.PositiveBigIntegerField(default=50 * 1024 * 1024)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True, help_text="Last attempt, good or not")
    last_good_at = models.DateTimeField(null=True, blank=True, help_text="Last fetch that read a good list")
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_sha256 = models.CharField(max_length=64, blank=True)
    last_good_version = models.ForeignKey(
        WatchListVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The incident the officers were last told about ("failed:<first failure>" or "stale:<last good
    # fetch>"): each failure or staleness is notified once, not on every run.
    notified_incident = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_due(self, now: datetime) -> bool:
        """Enabled, and never fetched or last tried at least `interval_hours` ago."""
        if not self.enabled:
            return False
        return self.last_fetched_at is None or now >= self.last_fetched_at + timedelta(
            hours=self.interval_hours
        )


class DeltaRun(models.Model):
    """One delta screening of the stored parties against what changed in a list, shared out in chunks of
    parties (by id range) that any worker takes: the chunk that completes the run closes the alerts of
    removed entries, moves the list's `screened_version` on and writes the run's ledger entry."""

    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="delta_runs")
    version = models.ForeignKey(WatchListVersion, on_delete=models.CASCADE, related_name="+")
    from_version = models.ForeignKey(
        WatchListVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every entry is new (a list's first version, or all changed): the version's own index is used.
    full = models.BooleanField(default=False)
    changed = models.JSONField(default=list, blank=True, help_text="Source ids added or changed")
    # Of `changed`, those added or changed in what a screening reads (names, type, countries, dates of
    # birth): every party is screened against them; an entry changed only in other data (programmes,
    # remarks, identifiers) is screened again for the parties holding an alert on it. None: all of them.
    matching = models.JSONField(
        null=True, blank=True, default=None, help_text="Source ids changed in what screening reads"
    )
    removed = models.JSONField(default=list, blank=True, help_text="Source ids removed")
    chunks = models.PositiveIntegerField(default=0)
    # First party id of each chunk done: a chunk run twice (a retried job) counts once.
    done = models.JSONField(default=list, blank=True)
    parties = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    abandoned = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.watch_list_id} v{self.version_id} ({len(self.done)}/{self.chunks})"

    @property
    def matching_ids(self) -> list[str]:
        """The changed entries every party is screened against (all of them where `matching` is None)."""
        return self.changed if self.matching is None else self.matching
