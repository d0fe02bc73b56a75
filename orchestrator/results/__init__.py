"""Results: from a sweep's finished job folders to the published tables.

``collect`` reads each job's logs, probe records and ``manifest.json`` (through ``SweepDir``)
and writes the unified ``results.csv`` (its contract: ``results_csv``); ``report`` reads that
CSV and the specs, builds the table model (``tables``, laid out as ``layouts`` declares, with the
figures' spread from ``stats``) and writes Markdown, HTML or CSV tables (``plots`` draws the
HTML report's figures). Nothing here writes into a job folder.
"""
