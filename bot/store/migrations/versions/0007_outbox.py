"""outbox: owners with a heartbeat, post owners and delivery keys, digest parts, tally
edits, reminder retries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
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
    with op.batch_alter_table('reminders_sent') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('last_error', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
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
    op.create_table(
        'tally_edits',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_tally_edits_post_id_posts')),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_tally_edits')),
    )


def downgrade() -> None:
    op.drop_table('tally_edits')
    op.drop_table('digest_parts')
    with op.batch_alter_table('reminders_sent') as batch:
        batch.drop_column('retry_at')
        batch.drop_column('last_error')
        batch.drop_column('attempts')
        batch.drop_column('owner')
    with op.batch_alter_table('posts') as batch:
        batch.drop_column('delivery_key')
        batch.drop_column('owner')
    op.drop_table('outbox_owners')
