"""Processes that start together on a fresh database (the server, a `flask` command, the workers' supervisor)
migrate it and load the demo one at a time: none fails with "table event already exists" or a duplicate demo."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select

from eventapp.models import Event
from tests.conftest import PROJECT_ROOT

STARTING = "from eventapp import create_app; create_app()"


def start_together(env: dict, count: int = 5) -> list[tuple[int, str]]:
    """`count` processes that each build the app (and so prepare the database) at the same moment: the exit
    status and output of each."""
    processes = [subprocess.Popen([sys.executable, "-c", STARTING], cwd=PROJECT_ROOT, env={**os.environ, **env},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for _ in range(count)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    return [(process.returncode, output) for process, output in zip(processes, outputs, strict=True)]


def demo_events(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        events = connection.scalar(select(func.count()).select_from(Event))
    engine.dispose()
    return events


def test_processes_starting_together_on_a_fresh_sqlite_database_all_start(tmp_path):
    instance = tmp_path / "together"
    results = start_together({"EVENTAPP_INSTANCE_PATH": str(instance)})
    assert [code for code, _ in results] == [0] * len(results), [output for _, output in results]
    assert demo_events(f"sqlite:///{instance / 'eventapp.sqlite3'}") == 1


@pytest.mark.postgres
def test_processes_starting_together_on_a_fresh_postgresql_database_all_start(tmp_path, postgres_url):
    results = start_together({"EVENTAPP_INSTANCE_PATH": str(tmp_path / "together"),
                              "EVENTAPP_DATABASE_URL": postgres_url})
    assert [code for code, _ in results] == [0] * len(results), [output for _, output in results]
    assert demo_events(postgres_url) == 1
