"""scene pins: a poll or the featured question the chair pinned stays on the screens when the programme moves on

Revision ID: a7e3c5d1f902
Revises: 9d4f2a6b8c13
Create Date: 2026-12-04 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c5d1f902'
down_revision = '9d4f2a6b8c13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site_scene', schema=None) as batch_op:
        batch_op.add_column(sa.Column('poll_pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('live_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('featured_pinned', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('live_state', schema=None) as batch_op:
        batch_op.drop_column('featured_pinned')
    with op.batch_alter_table('site_scene', schema=None) as batch_op:
        batch_op.drop_column('poll_pinned')
