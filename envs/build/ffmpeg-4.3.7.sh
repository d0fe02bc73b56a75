#!/usr/bin/env bash
# FFmpeg 4.3.7 (shared libraries and headers) into the environment being built, for PyAV 8.0.2.
#
# Why: PySlowFast 8299c98 decodes with PyAV (the era's 8.0.2). No PyAV release before 12.0 has a
# cp37 wheel on PyPI (12.0+ need Python >= 3.8), PyAV 8.0.2's sdist needs FFmpeg 4.x headers, and
# Debian 12 ships FFmpeg 5.1. So the environment gets its own FFmpeg 4: Debian 11's source
# package (upstream 4.3.7, the orig tarball, checked against its sha256), built minimal: the file
# protocol, the mov/mp4, avi and matroska demuxers, the mpeg4 (OpenCV's mp4v), h264 and mjpeg
# decoders, swscale and swresample (what PySlowFast's decoder calls), every library PyAV links
# (avformat avcodec avdevice avfilter avutil swscale swresample), no programs, no docs, no
# autodetected system libraries and no assembler (nasm is not needed). About 4 minutes on 2 cores.
#
# Run by `python -m orchestrator env build` (envs/recipes/pyslowfast-8299c98.yaml) with
# $VIDBENCH_ENV_PREFIX the environment's (temporary) folder; the libraries get an rpath to its lib/
# (so each finds the others without LD_LIBRARY_PATH), which the builder's same-length relocation
# rewrites to the final folder. Not --enable-rpath: it also writes `-Wl,-rpath` into the .pc
# files, and PyAV 8's setup.py stops on pkg-config flags it does not know.
# The source: `apt-get source --download-only` with a private apt configuration (no change to the
# machine's sources), or the tarball at $VIDBENCH_FFMPEG_TARBALL where there is no network.
# Downloads are kept in ${VIDBENCH_DOWNLOADS:-~/.cache/vidbench/downloads}.
set -euo pipefail
: "${VIDBENCH_ENV_PREFIX:?run by python -m orchestrator env build}"
VERSION=4.3.7
DEBIAN_VERSION=7:4.3.7-0+deb11u1
TARBALL=ffmpeg_${VERSION}.orig.tar.xz
SHA256=177d074943251bec33e1f9bc5979378ff5771882482ba9b3aee2cb18dd400554
downloads=${VIDBENCH_DOWNLOADS:-$HOME/.cache/vidbench/downloads}
jobs=${VIDBENCH_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}

work=$(mktemp -d "${TMPDIR:-/tmp}/vidbench-ffmpeg.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=${VIDBENCH_FFMPEG_TARBALL:-$downloads/$TARBALL}
if [ ! -f "$tarball" ]; then
  command -v apt-get >/dev/null || {
    echo "ffmpeg: no apt-get here to fetch Debian's $TARBALL; download it and set VIDBENCH_FFMPEG_TARBALL=/path/$TARBALL" >&2
    exit 1; }
  echo "ffmpeg: fetching Debian 11's ffmpeg $DEBIAN_VERSION source package"
  apt=$work/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src" "$downloads"
  echo "deb-src http://deb.debian.org/debian bullseye main" > "$apt/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -q update >/dev/null
  (cd "$apt/src" && apt-get "${opts[@]}" -q source --download-only "ffmpeg=$DEBIAN_VERSION" >/dev/null)
  mv "$apt/src/$TARBALL" "$downloads/$TARBALL.part"
  mv "$downloads/$TARBALL.part" "$downloads/$TARBALL"
  tarball=$downloads/$TARBALL
fi
echo "$SHA256  $tarball" | sha256sum -c --quiet - || {
  echo "ffmpeg: $tarball is not Debian's $TARBALL (sha256 differs)" >&2; exit 1; }

tar -xf "$tarball" -C "$work"
cd "$work/ffmpeg-$VERSION"
echo "ffmpeg: configure (prefix $VIDBENCH_ENV_PREFIX)"
./configure --prefix="$VIDBENCH_ENV_PREFIX" --enable-shared --disable-static \
  --extra-ldflags="-Wl,-rpath,$VIDBENCH_ENV_PREFIX/lib" \
  --disable-programs --disable-doc --disable-autodetect --disable-x86asm --disable-everything \
  --enable-protocol=file --enable-demuxer=mov,avi,matroska \
  --enable-decoder=mpeg4,h264,mjpeg,rawvideo --enable-parser=mpeg4video,h264,mjpeg \
  > configure.out 2>&1 || { tail -20 configure.out ffbuild/config.log >&2; exit 1; }
echo "ffmpeg: make -j$jobs"
make -j"$jobs" >/dev/null
make install >/dev/null
echo "ffmpeg: installed $(ls "$VIDBENCH_ENV_PREFIX"/lib/libav*.so.* | wc -l) libav* libraries into $VIDBENCH_ENV_PREFIX/lib"
