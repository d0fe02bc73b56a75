"""The demo: real, tiny video-recognition trainings that run on a 2-core CPU.

``make demo`` needs data and training configs that exist on any machine, with no download:
:mod:`demo.data` writes a deterministic synthetic dataset (rawframe JPEG folders, short .mp4
videos and the annotation lists MMAction2 0.x and 1.x read), ``demo/configs/`` holds tiny
configs of real models (TSN, I3D, SlowOnly) and :mod:`demo.mmaction050_train` is the training
entry point of MMAction2 0.5.0, the benchmark's own era, which its PyPI wheel does not ship.
"""
