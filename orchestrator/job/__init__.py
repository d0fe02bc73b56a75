"""One job: what is planned for it and what runs inside it, on the node or locally.

``jobplan`` turns an expanded Job into its ``command.sh`` and ``plan.json`` (pure); ``jobrun``
runs the prepared job folder's stages (``bash command.sh STAGE``), with the probe, and writes
its ``manifest.json``, logs and probe records; ``envinfo`` (run as a plain script by the job's
own interpreter, any Python version) records the environment the stages see; ``stale`` keeps a
shared checkout's outputs from one job out of the next one's figures.
"""
