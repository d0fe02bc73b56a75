"""The demo: real, tiny video-recognition trainings that run on a 2-core CPU.

``make demo`` needs data and training configs that exist on any machine, with no download:
:mod:`demo.data` writes a deterministic synthetic dataset (rawframe JPEG folders, short .mp4
videos and the annotation lists the frameworks read; each framework's own layout in its own
``demo/data_<framework>.py``), ``demo/<framework>_<commit>/`` holds each pinned framework's tiny
configs (inheriting the pinned ones through ``_base_``) and setup script, and
``demo/mmaction2/`` today's MMAction2 1.2.0 for the "then and now" column.
:mod:`demo.run` runs every demo spec (jobs/demo.yaml, jobs/demo-localization.yaml).
"""
