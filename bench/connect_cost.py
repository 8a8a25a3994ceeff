"""CPU per phone connect in the app's own code (the connect handler), without the network: a quick before/after.

    EVENTAPP_INSTANCE_PATH=/tmp/connect-cost PYTHONPATH=. python bench/connect_cost.py [--profile] [--sql]

Connects 20 phones (warm-up), then 300 more with their site's join code through Flask-SocketIO's test client
(threading, in this process), each from its own address, and prints the process CPU per connect. --profile prints
cProfile's top of 300 more; --sql the statements of one more connect. The instance folder gets the demo event on
first use. Not a test.
"""

import cProfile
import pstats
import sys
import time

from sqlalchemy import event as sa_event

from eventapp import create_app
from eventapp.extensions import db, socketio
from eventapp.links import event_links
from eventapp.lookup import event_by_slug

app = create_app({"PRINT_LINKS": False, "ASYNC_MODE": "threading", "TESTING": True})
with app.app_context():
    code = event_links(event_by_slug("pow-2021-11-01"))["sites"]["enschede"]["join"]["code"]
clients = []


def connect(n: int) -> None:
    """Connect n more phones, each from an address of its own (the join-code limit is per address)."""
    for _ in range(n):
        http = app.test_client()
        http.environ_base["REMOTE_ADDR"] = f"10.0.{len(clients) // 200}.{len(clients) % 200}"
        client = socketio.test_client(app, auth={"code": code}, flask_test_client=http)
        assert client.is_connected()
        client.get_received()
        clients.append(client)


connect(20)
started = time.process_time()
connect(300)
print(f"ms CPU per connect {(time.process_time() - started) / 300 * 1000:.2f}")
if "--profile" in sys.argv:
    profile = cProfile.Profile()
    profile.enable()
    connect(300)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
if "--sql" in sys.argv:
    statements = []
    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: statements.append(statement.split("\n")[0][:120]))
    connect(1)
    print(len(statements), "statements:", *statements, sep="\n")
