"""Organisation tree, users with roles and scopes, compliance liaisons and API tokens."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.roles import GLOBAL_READ_ROLES, PORTAL_ROLES, Role


class OrgUnitKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    DEPARTMENT = "department", _("HQ functional department")
    BUSINESS_UNIT = "business_unit", _("Business unit")
    BRANCH = "branch", _("Branch")


class OrgUnit(models.Model):
    """A node of the organisation tree. `path` is a materialised path so a subtree is one prefix filter."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read off the materialised path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class PortalOrganisation(models.Model):
    """An outside organisation whose people log in to the portal: a supplier or a customer."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        CUSTOMER = "customer", _("Customer")

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="portal_org_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.ANALYST)
    home_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="home_users"
    )
    # The org units (with their subtrees) this user may see and act in.
    scope_units = models.ManyToManyField(OrgUnit, blank=True, related_name="scoped_users")
    portal_org = models.ForeignKey(
        PortalOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_service_account = models.BooleanField(default=False)
    # The language the pages speak to this user; blank: follow the browser (Accept-Language).
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)
    # Time-limited access (issue 18): investigators always have one, auditors may. From this moment (UTC)
    # every request is refused: tokens answer 401, sessions are logged out.
    access_until = models.DateTimeField(null=True, blank=True)
    # An investigator's modules (keys of roles.INVESTIGATOR_MODULES); empty: every module.
    scope_modules = models.JSONField(default=list, blank=True)
    # Provisioned by the identity provider (SCIM): its id for the user, and whether the user's groups map to
    # no role (accounts.provisioning): such a user reaches nothing until a mapped group is assigned.
    external_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    access_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]
        # Who gets a case or a notice is found by role (the compliance officers of a unit, on every review a
        # gate opens); supplier portal users make the table large.
        indexes = [models.Index(fields=["role"], name="user_role")]

    @property
    def is_portal(self) -> bool:
        return self.role in PORTAL_ROLES

    @property
    def sees_all_units(self) -> bool:
        if self.role == Role.INVESTIGATOR:  # scoped to the units granted; none granted: every unit
            cached = getattr(self, "_investigator_all_units", None)
            if cached is None:
                cached = not self.scope_units.exists()
                self._investigator_all_units = cached
            return cached
        return self.role in GLOBAL_READ_ROLES

    def access_expired(self, now: datetime | None = None) -> bool:
        """Whether time-limited access has ended (never, without an `access_until`)."""
        return self.access_until is not None and self.access_until <= (now or timezone.now())

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Liaison(models.Model):
    """A compliance liaison appointed for one org unit."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="liaison_for")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="liaisons")
    since = models.DateField(default=timezone.localdate)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["org_unit__path", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "org_unit"], name="liaison_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} for {self.org_unit}"


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    READ_WRITE = "read-write", _("Read and write")
    # Provisioning by the identity provider: the SCIM endpoints (/scim/v2/) only, for a service account.
    SCIM = "scim", _("SCIM provisioning")


class ApiToken(models.Model):
    """A bearer token. Only a SHA-256 hash of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: object | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class PasswordResetRequest(models.Model):
    """One submitted password-reset request, kept for an hour for throttling (accounts.throttle). The
    submitted address is kept only as a keyed hash (`email_key`), never as typed."""

    email_key = models.CharField(max_length=64)
    client_address = models.CharField(max_length=45, blank=True, default="")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_key", "at"], name="reset_request_email"),
            models.Index(fields=["client_address", "at"], name="reset_request_address"),
        ]

    def __str__(self) -> str:
        return f"reset request at {self.at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A signed-in browser session, listed so that its owner (or an administrator) can end it.

    Keyed on the session store's key; ending a session deletes it from the store (the cookie then names
    nothing) and this row. Holds no address: `agent` is a short summary of the user agent ("Firefox on
    Linux"), enough to tell one's own devices apart."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    agent = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} session since {self.created_at:%Y-%m-%d %H:%M}"


class ProvisionedGroup(models.Model):
    """A group the identity provider pushes over SCIM (/scim/v2/Groups). Its members' role and units follow
    from the group mapping file (accounts.provisioning), by the group's display name."""

    display_name = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, blank=True, default="")
    members = models.ManyToManyField(User, blank=True, related_name="provisioned_groups")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class SsoLink(models.Model):
    """Which Conduct user an identity provider's subject is (accounts.sso): found again at each sign-in,
    whatever the provider later calls the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_links")
    protocol = models.CharField(max_length=8)  # "oidc" or "saml"
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["protocol", "issuer", "subject"], name="sso_link_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.protocol}:{self.subject} -> {self.user_id}"


class SsoPendingRequest(models.Model):
    """A SAML authentication request Conduct sent and has not had an answer to: the answer must name it
    (InResponseTo), once and within minutes. Kept in the database because the identity provider's answer
    comes back as a cross-site POST, which carries no session cookie."""

    request_id = models.CharField(max_length=128, unique=True)
    next_path = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.request_id
