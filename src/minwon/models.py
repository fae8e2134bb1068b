"""Every table of every domain, imported once so that metadata and migrations see them all."""

from minwon.accounts.models import Team, User
from minwon.cases.models import AuditRecord, Case, CaseEvent, Contact, IdempotencyRecord
from minwon.customers.models import Customer

__all__ = ["AuditRecord", "Case", "CaseEvent", "Contact", "Customer", "IdempotencyRecord", "Team", "User"]
