"""YAML loading that remembers line numbers, so spec errors can say ``file:line: ...``.

``yaml.safe_load`` throws the positions away; users of a sweep spec need them to find the
mistake. This loader is ``yaml.SafeLoader`` (no arbitrary objects) whose mappings and
sequences are :class:`LineDict` / :class:`LineList`: ordinary ``dict`` / ``list`` that also
carry the 1-based line of the node (``.line``) and of each key / item
(``.key_lines`` / ``.item_lines``). Duplicate keys are an error (PyYAML silently keeps the
last one); keys brought in by a merge (``<<: *anchor``) may be overridden.

Bounded: a document nested deeper than ``MAX_DEPTH`` (PyYAML composes recursively: a
RecursionError) or whose aliases expand to more than ``MAX_NODES`` nodes (an alias bomb: a few
lines that every later walk over the data, substitution, JSON, expands into billions of nodes)
is refused with the line, before anything is constructed; counting is linear in the text.
"""
from __future__ import annotations

import yaml


class YamlError(ValueError):
    """Malformed YAML; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


class LineDict(dict):
    """A mapping from YAML with ``line`` (its own) and ``key_lines`` (key -> line)."""

    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML with ``line`` (its own) and ``item_lines`` (index -> line)."""

    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


MAX_DEPTH = 64            # the specs nest about 8 deep
MAX_NODES = 200_000       # expanded through aliases; jobs/recognition.yaml has 1,309


class _LineLoader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        expanded_size(node)
        return node


def expanded_size(root: yaml.Node, limit: int = None) -> int:
    """How many nodes ``root`` stands for once every alias is expanded (a tree walk would
    visit), counted once per distinct node (memoized), so a bomb costs its text's size. Raises
    YamlError past ``limit`` (default MAX_NODES), and on a recursive alias (a node inside
    itself), which no spec value can be."""
    limit = MAX_NODES if limit is None else limit
    size, on_path = {}, set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in size:
            continue
        kids = _children(node)
        if not children_done:
            if key in on_path:
                raise YamlError("a recursive YAML alias (a value inside itself)",
                                node.start_mark.line + 1)
            on_path.add(key)
            stack.append((node, True))
            for kid in kids:
                if id(kid) in on_path:
                    raise YamlError("a recursive YAML alias (a value inside itself)",
                                    kid.start_mark.line + 1)
                if id(kid) not in size:
                    stack.append((kid, False))
            continue
        on_path.discard(key)
        total = 1 + sum(size[id(k)] for k in kids)
        if total > limit:
            raise YamlError(f"YAML aliases expand to more than {limit} values (an alias bomb?)",
                            node.start_mark.line + 1)
        size[key] = total
    return size[id(root)]


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    n_explicit = len(node.value)
    loader.flatten_mapping(node)  # merge keys (<<) first, explicit keys after
    n_merged = len(node.value) - n_explicit
    out = LineDict()
    out.line = node.start_mark.line + 1
    explicit = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlError("a mapping key must be a plain value", key_node.start_mark.line + 1)
        if i >= n_merged:
            if key in explicit:
                raise YamlError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            explicit.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str):
    """Parse one YAML document (safe tags only) into LineDict / LineList / scalars."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
