"""outbox: owners with a heartbeat, post owners and delivery keys, digest parts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_owners',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_owners')),
    )
    with op.batch_alter_table('posts') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('delivery_key', sa.String(length=32), nullable=True))
    op.create_table(
        'digest_parts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=True),
        sa.Column('delivery_key', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_ref', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['digest_runs.id'],
                                name=op.f('fk_digest_parts_run_id_digest_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_parts')),
        sa.UniqueConstraint('run_id', 'part', name=op.f('uq_digest_parts_run_id')),
    )


def downgrade() -> None:
    op.drop_table('digest_parts')
    with op.batch_alter_table('posts') as batch:
        batch.drop_column('delivery_key')
        batch.drop_column('owner')
    op.drop_table('outbox_owners')
