"""roster e-mail lookups, by keyed hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roster_email_keys',
        sa.Column('campaign_id', sa.String(length=64), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_roster_email_keys_campaign_id_campaigns')),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_roster_email_keys')),
    )
    op.create_table(
        'roster_email_lookups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.String(length=64), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('email_hash', sa.String(length=64), nullable=False),
        sa.Column('workspace', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_roster_email_lookups_campaign_id_campaigns')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_email_lookups')),
        sa.UniqueConstraint('campaign_id', 'platform', 'email_hash',
                            name=op.f('uq_roster_email_lookups_campaign_id')),
    )


def downgrade() -> None:
    op.drop_table('roster_email_lookups')
    op.drop_table('roster_email_keys')
