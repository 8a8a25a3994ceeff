"""Column helpers shared by the models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

#: The largest id a row can have (the primary keys are PostgreSQL `integer`s; SQLite cannot even bind 2**63):
#: an id from outside is checked against it before it reaches a query.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: every stored moment is UTC."""
    return datetime.now(UTC)


def enum_column(enum_cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a plain string column, so that the database stays readable."""
    return Enum(enum_cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class UTCDateTime(TypeDecorator):
    """A moment stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


#: Timezone-aware timestamp column type.
Timestamp = UTCDateTime()


def render_migration_type(kind: str, obj, autogen_context):
    """Alembic autogenerate: write our column types as the plain SQLAlchemy types they store."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
