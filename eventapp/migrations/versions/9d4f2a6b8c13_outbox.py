"""outbox: the changes to push, written in the transaction of each change and deleted once pushed

Revision ID: 9d4f2a6b8c13
Revises: 5b1e7c0d9a21
Create Date: 2026-12-04 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4f2a6b8c13'
down_revision = '5b1e7c0d9a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_outbox_change_event_id_event'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_change'))
    )
    with op.batch_alter_table('outbox_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_change_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_change_at'))
    op.drop_table('outbox_change')
