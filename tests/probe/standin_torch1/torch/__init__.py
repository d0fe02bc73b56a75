"""Test double of torch 1.x for Python 2.7 (see ../README.md)."""
__version__ = '1.1.0+standin'
from torch import optim  # noqa: E402,F401  (torch 1.x imports torch.optim at start-up too)
