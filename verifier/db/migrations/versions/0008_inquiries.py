"""inquiries, their attachments, and holidays

Revision ID: 0008_inquiries
Revises: 0007_reports
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_inquiries"
down_revision = "0007_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holidays")),
    )
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("requester_kind", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("document_number", sa.String(length=16), nullable=False),
        sa.Column("surname", sa.String(length=100), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("institution_text", sa.String(length=300), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("document_type", sa.String(length=16), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("taken_by", sa.String(length=254), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=254), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('confirmed', 'not_confirmed', 'undetermined')",
            name=op.f("ck_inquiries_outcome"),
        ),
        sa.CheckConstraint(
            "requester_kind IN ('ministry', 'agency', 'employer', 'individual')",
            name=op.f("ck_inquiries_requester_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'in_progress', 'answered', 'rejected')",
            name=op.f("ck_inquiries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_inquiries_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_inquiries_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["reports.id"], name=op.f("fk_inquiries_letter_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint("number", name=op.f("uq_inquiries_number")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiries_document_number"), ["document_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inquiries_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index("ix_inquiries_queue", ["status", "due_on"], unique=False)

    op.create_table(
        "inquiry_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_attachments_inquiry_id_inquiries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_attachments")),
    )
    with op.batch_alter_table("inquiry_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiry_attachments_inquiry_id"), ["inquiry_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inquiry_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_attachments_inquiry_id"))

    op.drop_table("inquiry_attachments")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiries_queue")
        batch_op.drop_index(batch_op.f("ix_inquiries_institution_id"))
        batch_op.drop_index(batch_op.f("ix_inquiries_document_number"))

    op.drop_table("inquiries")
    op.drop_table("holidays")
