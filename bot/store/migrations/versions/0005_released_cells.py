"""released versions of layer x statement cells (privacy over time)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'released_cells',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('layer', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'],
                                name=op.f('fk_released_cells_statement_id_statements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_released_cells')),
        sa.UniqueConstraint('statement_id', 'layer', 'version',
                            name=op.f('uq_released_cells_statement_id')),
    )


def downgrade() -> None:
    op.drop_table('released_cells')
