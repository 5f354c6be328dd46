"""public revocation reason codes; the free text becomes an internal note

Revision ID: 0004_revocation_codes
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_revocation_codes"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("revocation_code", sa.String(length=32), nullable=True))
    # Documents revoked before codes existed answer "other": their typed reason is
    # kept, as the internal note, and no longer published.
    op.execute("UPDATE documents SET revocation_code = 'other' WHERE revoked_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("revocation_code")
