"""Build hook for what setup.cfg cannot declare: the parsers' optional C fast path.

Why a setup.py at all: setuptools reads C extensions only from here. Metadata and dependencies
stay in setup.cfg. The extension is optional (``optional=True``): without a compiler the
parsers give the same figures through their regular expressions, only slower
(parsers/fastpath.py). ``make parsers-ext`` builds it in place for the checkout.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("parsers._colscan", ["parsers/_colscan.c"], optional=True,
                             extra_compile_args=["-O2"])])
