"""Sweeps: from expanded jobs to job folders submitted, and later what became of them.

Reads the expanded specs and the frameworks' repositories; writes the sweep folder
(``sweepdir``: the one place that knows its paths): per job ``job.json``, ``plan.json`` and
``command.sh``, the sweep's submission records. ``start`` prepares checkouts (``checkout``) and
job folders, ``submit`` hands them to Slurm or local processes (``executors``; submitit's private
calls confined to ``submitit_private``), ``status`` tells where each job stands, ``control``
resumes, cancels and waits; ``cli`` is ``python -m orchestrator sweep|status|resume|cancel``.
"""
