"""YAML loading that remembers line numbers, so spec errors can say ``file:line: ...``.

``yaml.safe_load`` throws the positions away; users of a sweep spec need them to find the
mistake. This loader is ``yaml.SafeLoader`` (no arbitrary objects) whose mappings and
sequences are :class:`LineDict` / :class:`LineList`: ordinary ``dict`` / ``list`` that also
carry the 1-based line of the node (``.line``) and of each key / item
(``.key_lines`` / ``.item_lines``). Duplicate keys are an error (PyYAML silently keeps the
last one); keys brought in by a merge (``<<: *anchor``) may be overridden.
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


class _LineLoader(yaml.SafeLoader):
    pass


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
