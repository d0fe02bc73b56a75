#!/usr/bin/env bash
# PyAV 8.0.2 from its sdist against the environment's own FFmpeg 4 (envs/build/ffmpeg-4.3.7.sh).
#
# Why a script and not a pip step: the build must find that FFmpeg (PKG_CONFIG_PATH) and the
# extension modules must load it at run time without LD_LIBRARY_PATH (an rpath to the
# environment's lib/, rewritten to the final folder by the builder's relocation). Cython comes
# from the recipe's pip step before this one (--no-build-isolation: PyAV 8's setup.py predates
# Cython 3). About 3 minutes on 2 cores.
set -euo pipefail
: "${VIDBENCH_ENV_PREFIX:?run by python -m orchestrator env build}"
export PKG_CONFIG_PATH="$VIDBENCH_ENV_PREFIX/lib/pkgconfig"
# DT_RPATH (not RUNPATH): also searched for the FFmpeg libraries' own dependencies
export LDFLAGS="-Wl,--disable-new-dtags,-rpath,$VIDBENCH_ENV_PREFIX/lib ${LDFLAGS:-}"
pkg-config --exists libavformat libavcodec libavdevice libavfilter libavutil libswscale libswresample || {
  echo "pyav: FFmpeg's libraries are not in $PKG_CONFIG_PATH (run envs/build/ffmpeg-4.3.7.sh first)" >&2
  exit 1; }
python -m pip install --no-deps --no-build-isolation --no-binary av av==8.0.2
python -c "import av; print('pyav: av', av.__version__, 'with FFmpeg', av.library_versions['libavformat'])"
