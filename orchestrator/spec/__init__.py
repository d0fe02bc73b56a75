"""Sweep specs: ``jobs/*.yaml`` read, validated and expanded into jobs, all pure.

Reads the spec file it is given (and nothing else: no git, no Slurm, no environment lookups, the
caller passes variables in); writes nothing. ``schema`` holds the keys and dataclasses, ``load``
validates a file into a Spec with ``file:line`` errors (its YAML through ``yaml_lines``, which
keeps each value's line), ``expand`` turns a Spec into Jobs; ``guards`` are the checks against
hostile or mistaken text that spec loading, job planning and submission share.
"""
