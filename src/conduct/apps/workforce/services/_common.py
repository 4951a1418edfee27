"""What the workforce services share: the ledger's action names and the one check on a site's unit."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label
from conduct.apps.errors import NotFound
from conduct.apps.workforce.models import OwnSite


class WorkforceAction(StrEnum):
    """Ledger action names of the workforce module."""

    SITE_CREATE = "own_site.create"
    SITE_UPDATE = "own_site.update"
    HOURS_IMPORT = "working_time.import"
    INCIDENT_RECORD = "incident.record"
    HOURS_WORKED = "hours_worked.record"
    POLICY_CREATE = "policy_version.create"
    POLICY_SUBMIT = "policy_version.submit"
    POLICY_PUBLISH = "policy_version.publish"
    CAMPAIGN_CREATE = "attestation_campaign.create"
    CAMPAIGN_REMIND = "attestation_campaign.remind"
    ATTESTATION_ACKNOWLEDGE = "attestation.acknowledge"
    TRAINING_IMPORT = "training.import"
    TRAINING_ASSIGN = "training_assignment.create"
    TRAINING_RECORD = "training_completion.record"
    REMINDERS_SEND = "reminders.send"
    SITE_ACTION_SUBMIT = "own_site_action.submit"
    SITE_ACTION_REVIEW = "own_site_action.review"


def authorize_site(actor: Actor, permission: str, site: OwnSite) -> None:
    """The actor may do `permission` at this site: staff within the site's unit; portal users never (to them
    an own site does not exist)."""
    if isinstance(actor, SystemActor):
        return
    if actor.is_portal:
        authorize(actor, permission)
        raise NotFound(_("No such site."))
    authorize(actor, permission, unit=site.org_unit)


def who(actor: Actor) -> str:
    return actor_label(actor)
