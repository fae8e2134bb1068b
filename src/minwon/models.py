"""Every table of every domain, imported once so that metadata and migrations see them all."""

from minwon.accounts.models import Team, User
from minwon.cases.models import AuditRecord, Case, CaseEvent, Contact, IdempotencyRecord
from minwon.customers.models import Customer, OneTimeCode
from minwon.webhooks.models import WebhookDelivery, WebhookSubscription  # noqa: F401  (registers the tables)

__all__ = ["AuditRecord", "Case", "CaseEvent", "Contact", "Customer", "IdempotencyRecord", "OneTimeCode", "Team", "User"]
