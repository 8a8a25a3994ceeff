"""presence workers: each presence row names the worker holding the connection; workers write a heartbeat

Revision ID: 7c1e5b2d9f40
Revises: 2428a1a3a7c4
Create Date: 2026-11-28 02:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5b2d9f40'
down_revision = '2428a1a3a7c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker'))
    )
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_presence_worker'), ['worker'], unique=False)


def downgrade():
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_worker'))
        batch_op.drop_column('worker')
    op.drop_table('worker')
