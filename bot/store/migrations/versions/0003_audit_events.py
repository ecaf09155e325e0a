"""audit trail of admin actions and erasures

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:40:00
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
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('via', sa.String(length=16), nullable=False),
        sa.Column('actor', sa.String(length=128), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=128), nullable=False),
        sa.Column('outcome', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_audit_events_campaign_id_campaigns')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index('ix_audit_events_campaign_at', 'audit_events', ['campaign_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_events_campaign_at', table_name='audit_events')
    op.drop_table('audit_events')
