"""vote sequence: the phone numbers its answers, so that a late retry of an older one changes nothing

Revision ID: 5b1e7c0d9a21
Revises: 7c1e5b2d9f40
Create Date: 2026-11-28 02:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e7c0d9a21'
down_revision = '7c1e5b2d9f40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('seq')
