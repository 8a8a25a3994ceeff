"""live controls: a poll's answer time and deadline, a paused site timer, the chair's message to the stage

Revision ID: c4d2e8f1a6b3
Revises: a7e3c5d1f902
Create Date: 2026-12-04 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e8f1a6b3'
down_revision = 'a7e3c5d1f902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('site_scene', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_paused_left', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('stage_message', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('site_scene', schema=None) as batch_op:
        batch_op.drop_column('stage_message')
        batch_op.drop_column('timer_paused_left')
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_column('closes_at')
        batch_op.drop_column('answer_seconds')
