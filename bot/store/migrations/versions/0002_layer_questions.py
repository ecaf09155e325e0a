"""layer questions asked per group and statement

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'layer_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'],
                                name=op.f('fk_layer_questions_channel_id_channels')),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'],
                                name=op.f('fk_layer_questions_statement_id_statements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_questions')),
        sa.UniqueConstraint('channel_id', 'statement_id',
                            name=op.f('uq_layer_questions_channel_id')),
    )


def downgrade() -> None:
    op.drop_table('layer_questions')
