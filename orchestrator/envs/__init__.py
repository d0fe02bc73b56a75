"""Environments as code: one declared recipe per environment (``envs/recipes/<name>.yaml``).

:mod:`orchestrator.envs.recipe` reads and hashes recipes (pure), :mod:`orchestrator.envs.interpreters`
finds the interpreter a recipe asks for, :mod:`orchestrator.envs.build` builds and caches the
environments (``${VIDBENCH_ENV_DIR:-~/.cache/vidbench/envs}/<name>-<hash12>/``), and
:mod:`orchestrator.envs.cli` is ``python -m orchestrator env build|list|path``.
"""
