"""per-person answers as of a cell's last release (released_answers), kept by triggers

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 04:20:00

A row holds one person's answer in one released cell (statement x layer) as of the
cell's release `version` (NULL: not in the cell then) and their answer in it now, for
those who changed since. The database writes it on every change to `positions` (insert,
update of option or layer, delete), so no write path can forget to: the first change after
a release sets the answer then, later ones only the answer now. A release makes the rows
of the cell's earlier versions stale; the next change overwrites them. Cells never
released keep no rows (everyone in them is new). Existing cells start with no rows: a
change made before this migration is not counted per person (the release step judges such
a cell on net counts once, then tracks it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The cell's latest release of OLD / NEW (NULL: never released, nothing to keep).
_VERSION = ("(SELECT max(r.version) FROM released_cells r WHERE r.statement_id = {row}.statement_id"
            " AND r.layer = {row}.layer)")

# A row for the cell of {row}: `then` is used only when the row is new or of an earlier
# version; `now` is the person's answer in that cell after this change.
_UPSERT = """
INSERT INTO released_answers (statement_id, participant_id, layer, version, option_key,
                               current_option)
SELECT {row}.statement_id, {row}.participant_id, {row}.layer, v, {then}, {now}
FROM (SELECT {version} AS v) AS latest WHERE v IS NOT NULL{extra}
ON CONFLICT (statement_id, participant_id, layer) DO UPDATE SET
  option_key = CASE WHEN released_answers.version = excluded.version
               THEN released_answers.option_key ELSE excluded.option_key END,
  current_option = excluded.current_option, version = excluded.version;
"""


def _upsert(row: str, then: str, now: str, extra: str = "") -> str:
    return _UPSERT.format(row=row, then=then, now=now, version=_VERSION.format(row=row),
                          extra=extra)


_SAME_LAYER_NEW = "CASE WHEN NEW.layer = OLD.layer THEN NEW.option_key END"

SQLITE_TRIGGERS = [
    "CREATE TRIGGER released_answers_on_insert AFTER INSERT ON positions BEGIN"
    + _upsert("NEW", "NULL", "NEW.option_key") + "END",
    "CREATE TRIGGER released_answers_on_update AFTER UPDATE OF layer, option_key ON positions"
    " WHEN OLD.layer IS NOT NEW.layer OR OLD.option_key IS NOT NEW.option_key BEGIN"
    + _upsert("OLD", "OLD.option_key", _SAME_LAYER_NEW)
    + _upsert("NEW", "NULL", "NEW.option_key", " AND OLD.layer IS NOT NEW.layer") + "END",
    "CREATE TRIGGER released_answers_on_delete AFTER DELETE ON positions BEGIN"
    + _upsert("OLD", "OLD.option_key", "NULL") + "END",
]

POSTGRES_FUNCTION = f"""
CREATE FUNCTION released_answers_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    {_upsert("OLD", "OLD.option_key", "NULL")}
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD.layer IS DISTINCT FROM NEW.layer OR OLD.option_key IS DISTINCT FROM NEW.option_key
    THEN
      {_upsert("OLD", "OLD.option_key", _SAME_LAYER_NEW)}
    END IF;
    IF OLD.layer IS DISTINCT FROM NEW.layer THEN
      {_upsert("NEW", "NULL", "NEW.option_key")}
    END IF;
  ELSE
    {_upsert("NEW", "NULL", "NEW.option_key")}
  END IF;
  RETURN NULL;
END $$
"""
POSTGRES_TRIGGER = ("CREATE TRIGGER released_answers_keep AFTER INSERT OR UPDATE OR DELETE"
                    " ON positions FOR EACH ROW EXECUTE FUNCTION released_answers_keep()")


def upgrade() -> None:
    op.create_table(
        'released_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        # No foreign key: `forget` unlinks the row from the person (NULL) before deleting them.
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('layer', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('option_key', sa.String(length=64), nullable=True),  # NULL: not in the cell
        sa.Column('current_option', sa.String(length=64), nullable=True),  # NULL: not now
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'],
                                name=op.f('fk_released_answers_statement_id_statements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_released_answers')),
        sa.UniqueConstraint('statement_id', 'participant_id', 'layer',
                            name=op.f('uq_released_answers_statement_id')),
    )
    # Versions released so far were not followed per person (see the module docstring).
    with op.batch_alter_table('released_cells') as batch:
        batch.add_column(sa.Column('tracked', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    # The release step reads one cell version's rows, grouped, from this index alone.
    op.create_index('ix_released_answers_cell', 'released_answers',
                    ['statement_id', 'layer', 'version', 'option_key', 'current_option'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER released_answers_keep ON positions")
        op.execute("DROP FUNCTION released_answers_keep()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER released_answers_on_{name}")
    with op.batch_alter_table('released_cells') as batch:
        batch.drop_column('tracked')
    op.drop_index('ix_released_answers_cell', 'released_answers')
    op.drop_table('released_answers')
