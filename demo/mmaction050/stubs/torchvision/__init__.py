"""Stand-in for torchvision in the MMAction2 0.5.0 environment (a test double, named as such).

mmcv 1.3.9 imports torchvision at module level (for model-zoo helpers the demo never calls);
no torchvision wheel matching torch 2.13.0 is installed there, and training needs none of it.
``demo/mmaction050/tools/train.py`` puts this folder first on ``sys.path``.
"""
__version__ = "0.0.0+stub"
