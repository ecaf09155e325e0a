"""the workshop baseline: counts per statement x layer x option

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'baselines',
        sa.Column('campaign_id', sa.String(length=64), nullable=False),
        sa.Column('workshop_date', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_baselines_campaign_id_campaigns')),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_baselines')),
    )
    op.create_table(
        'baseline_cells',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.String(length=64), nullable=False),
        sa.Column('statement_key', sa.String(length=64), nullable=False),
        sa.Column('layer', sa.String(length=64), nullable=False),
        sa.Column('option_key', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['baselines.campaign_id'],
                                name=op.f('fk_baseline_cells_campaign_id_baselines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_cells')),
        sa.UniqueConstraint('campaign_id', 'statement_key', 'layer', 'option_key',
                            name=op.f('uq_baseline_cells_campaign_id')),
    )


def downgrade() -> None:
    op.drop_table('baseline_cells')
    op.drop_table('baselines')
