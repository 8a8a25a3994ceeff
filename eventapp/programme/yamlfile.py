"""Reading and writing programme files (YAML), with the line of every problem.

Scalars are read as strings (no YAML 1.1 surprises such as 13:00 becoming 780 or "no" becoming False);
the schema turns them into numbers, dates and times.
"""

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from eventapp.programme.schema import LocatedProblems, Programme


@dataclass
class Problem:
    """One thing wrong with a programme: where it is and why."""

    line: int | None
    path: str
    reason: str

    def describe(self, filename: str) -> str:
        """'file:line: path: reason', the way compilers say it."""
        place = f"{filename}:{self.line}" if self.line else filename
        return f"{place}: {self.path + ': ' if self.path else ''}{self.reason}"


class ProgrammeError(Exception):
    """A programme that cannot be used, with every problem found."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(p.describe(filename) for p in problems))


class _StringLoader(yaml.SafeLoader):
    """SafeLoader that resolves no scalar type but null: everything else stays a string.

    It also refuses an alias inside the very anchor it names (`a: &x [*x]`), which never ends.
    """

    def compose_node(self, parent, index):
        """Compose as usual, but refuse an alias to an anchor that is still being composed."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in getattr(self, "_open_anchors", ()):
                raise yaml.composer.ComposerError(
                    None, None, f"the alias *{event.anchor} refers to the anchor that contains it", event.start_mark)
        return super().compose_node(parent, index)

    def compose_sequence_node(self, anchor):
        """Compose a sequence, noting its anchor as open meanwhile."""
        return self._with_open_anchor(anchor, super().compose_sequence_node)

    def compose_mapping_node(self, anchor):
        """Compose a mapping, noting its anchor as open meanwhile."""
        return self._with_open_anchor(anchor, super().compose_mapping_node)

    def _with_open_anchor(self, anchor, compose):
        self._open_anchors = getattr(self, "_open_anchors", ()) + (anchor,)
        try:
            return compose(anchor)
        finally:
            self._open_anchors = self._open_anchors[:-1]


_StringLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_programme(text: str, filename: str = "<programme>") -> Programme:
    """Parse and validate a programme file; raise ProgrammeError naming the file, line and reason."""
    try:
        loader = _StringLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        if "end of stream" in reason and getattr(error, "context_mark", None):
            # an unclosed quote or bracket: where it was opened is the line to fix, not the end of the file
            reason = f"{error.context}, {reason}"
            mark = error.context_mark
        line = mark.line + 1 if mark else None
        raise ProgrammeError(filename, [Problem(line, "", f"not valid YAML: {reason}")]) from None
    if root is None:
        raise ProgrammeError(filename, [Problem(None, "", "the file is empty")])
    lines: dict[tuple, int] = {}
    problems: list[Problem] = []
    try:
        data = _to_python(root, (), lines, problems)
    except _TooLarge:
        raise ProgrammeError(filename, [Problem(None, "", f"the file has more than {MAX_VALUES} values "
                                                          "(aliases that expand without end?)")]) from None
    if problems:
        raise ProgrammeError(filename, problems)
    return validate_programme(data, filename, lines)


def validate_programme(data: Any, filename: str = "<programme>", lines: dict[tuple, int] | None = None) -> Programme:
    """Validate plain data as a programme; problems carry file lines when `lines` maps paths to them."""
    try:
        return Programme.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = tuple(item["loc"])
            cause = item.get("ctx", {}).get("error")
            if isinstance(cause, LocatedProblems):
                found = [(path + where, reason) for where, reason in cause.problems]
            elif item["type"] == "extra_forbidden":
                found = [(path, f"unknown field '{path[-1]}'")]
            else:
                found = [(path, item["msg"].removeprefix("Value error, "))]
            problems += [Problem(_line_of(where, lines or {}), _path_text(where, lines or {}), reason)
                         for where, reason in found]
        raise ProgrammeError(filename, problems) from None


def dump_programme(programme: Programme) -> str:
    """The programme as YAML, in the canonical form: defaults left out, plain options as strings."""
    data = programme.model_dump(mode="json", exclude_defaults=True)
    data = {"format": programme.format, **data}
    for poll in data.get("polls", []) + [p for segment in data.get("segments", []) for p in _polls_of(segment)]:
        if "options" in poll:
            poll["options"] = [o["label"] if set(o) == {"label"} else o for o in poll["options"]]
    for segment in data.get("segments", []):
        if segment.get("start") is None:  # "follows the segment above": left out, as in a written file
            segment.pop("start", None)
        else:
            segment["start"] = segment["start"][:5]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def _polls_of(segment: dict) -> list[dict]:
    return segment.get("polls", []) + [p for part in segment.get("parts", []) for p in part.get("polls", [])]


#: More values than any real programme has: a file of aliases that expand without end is refused.
MAX_VALUES = 100_000


class _TooLarge(Exception):
    pass


def _to_python(node: yaml.Node, path: tuple, lines: dict, problems: list[Problem]) -> Any:
    """Build plain data from a node tree, noting each path's line and refusing duplicate keys."""
    lines[path] = node.start_mark.line + 1
    if len(lines) > MAX_VALUES:
        raise _TooLarge
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, path + ("<key>",), {}, problems)
            if not isinstance(key, str):
                problems.append(Problem(key_node.start_mark.line + 1, _path_text(path, lines), "keys must be text"))
                continue
            if key in result:
                problems.append(Problem(key_node.start_mark.line + 1, _path_text(path, lines),
                                        f"'{key}' is given twice"))
            result[key] = _to_python(value_node, path + (key,), lines, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), lines, problems) for i, item in enumerate(node.value)]
    return _StringLoader.construct_scalar_value(node)


def _construct_scalar_value(node: yaml.ScalarNode):
    return None if node.tag == "tag:yaml.org,2002:null" else node.value


_StringLoader.construct_scalar_value = staticmethod(_construct_scalar_value)


def _line_of(path: tuple, lines: dict) -> int | None:
    """The line of the deepest part of `path` that the file has (pydantic adds names of its own)."""
    found, known = None, ()
    for part in path:
        if known + (part,) in lines:
            known = known + (part,)
            found = lines[known]
    return found if found is not None else lines.get(())


def _path_text(path: tuple, lines: dict) -> str:
    """A path as people write it, e.g. segments[3].parts[0].site, without pydantic's own names."""
    text, known = "", ()
    for index, part in enumerate(path):
        is_last = index == len(path) - 1
        if lines and known + (part,) not in lines and not (is_last and isinstance(part, str)):
            continue
        known = known + (part,)
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
