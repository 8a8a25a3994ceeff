"""Front-end libraries from the npm registry (node_modules/), served by the app itself: no CDN."""

from flask import Blueprint, abort, send_from_directory

from eventapp.settings import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"

#: The files pages may load: public name -> path under node_modules/.
FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "socket.io.min.js.map": "socket.io-client/dist/socket.io.min.js.map",
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.esm.min.js.map": "socket.io-client/dist/socket.io.esm.min.js.map",
    "js-yaml.min.js": "js-yaml/dist/js-yaml.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "chart.umd.min.js.map": "chart.js/dist/chart.umd.min.js.map",
    "wordcloud2.js": "wordcloud/src/wordcloud2.js",
    # lit-html's ES modules keep their own folder layout: its directives import "../lit-html.js".
    **{f"lit-html/{path}": f"lit-html/{path}" for path in (
        "lit-html.js", "directive.js", "directive-helpers.js", "async-directive.js",
        "directives/repeat.js", "directives/class-map.js", "directives/keyed.js", "directives/live.js",
        "directives/ref.js", "directives/style-map.js", "directives/if-defined.js",
    )},
}

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@bp.get("/<path:name>")
def vendor_file(name: str):
    """One allowed file of an installed npm package; 404 for anything else."""
    if name not in FILES:
        abort(404)
    path = NODE_MODULES / FILES[name]
    if not path.is_file():
        abort(404, description=f"{FILES[name]} is not installed: run `npm ci` (the README's commands do).")
    return send_from_directory(path.parent, path.name, max_age=3600)
