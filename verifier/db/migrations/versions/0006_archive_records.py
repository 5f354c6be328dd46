"""archive records: documents transcribed from institutions' issue books

Revision ID: 0006_archive_records
Revises: 0005_session_generation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_archive_records"
down_revision = "0005_session_generation"
branch_labels = None
depends_on = None

ORIGIN_FIELDS = (
    "(origin = 'registry' AND token IS NOT NULL AND kid IS NOT NULL "
    "AND birth_date IS NOT NULL AND issue_date IS NOT NULL) "
    "OR (origin = 'archive' AND token IS NULL AND source IS NOT NULL "
    "AND (issue_date IS NOT NULL OR issue_year IS NOT NULL))"
)


def upgrade() -> None:
    op.create_table(
        "archive_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_archive_scans_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_scans")),
    )
    with op.batch_alter_table("archive_scans") as batch:
        batch.create_index(
            batch.f("ix_archive_scans_institution_id"), ["institution_id"], unique=False
        )
    with op.batch_alter_table("holders") as batch:
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=True)
    # Every document so far was issued by the service: origin 'registry'.
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="registry")
        )
        batch.add_column(sa.Column("source", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("checked_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("scan_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("issue_year", sa.Integer(), nullable=True))
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=True)
        batch.alter_column("issue_date", existing_type=sa.Date(), nullable=True)
        batch.alter_column("token", existing_type=sa.Text(), nullable=True)
        batch.alter_column("kid", existing_type=sa.String(length=16), nullable=True)
        batch.create_foreign_key(
            batch.f("fk_documents_scan_id_archive_scans"), "archive_scans", ["scan_id"], ["id"]
        )
        batch.create_check_constraint(
            batch.f("ck_documents_origin"), "origin IN ('registry', 'archive')"
        )
        batch.create_check_constraint(batch.f("ck_documents_origin_fields"), ORIGIN_FIELDS)


def downgrade() -> None:
    op.execute("DELETE FROM course_lines WHERE document_id IN "
               "(SELECT id FROM documents WHERE origin = 'archive')")  # fmt: skip
    op.execute("DELETE FROM documents WHERE origin = 'archive'")
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(batch.f("ck_documents_origin_fields"), type_="check")
        batch.drop_constraint(batch.f("ck_documents_origin"), type_="check")
        batch.drop_constraint(batch.f("fk_documents_scan_id_archive_scans"), type_="foreignkey")
        batch.alter_column("kid", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("token", existing_type=sa.Text(), nullable=False)
        batch.alter_column("issue_date", existing_type=sa.Date(), nullable=False)
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
        batch.drop_column("issue_year")
        batch.drop_column("scan_id")
        batch.drop_column("checked_by")
        batch.drop_column("source")
        batch.drop_column("origin")
    op.execute("DELETE FROM holders WHERE birth_date IS NULL")
    with op.batch_alter_table("holders") as batch:
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
    op.drop_table("archive_scans")
