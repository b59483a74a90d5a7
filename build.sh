#!/usr/bin/env bash
# One entry point for setting up, running and testing Monitoring on Debian 12 (run as root).
#
#   ./build.sh demo    set up everything, then run the daemon once over the bundled demo config
#   ./build.sh test    set up everything, then run the whole test suite
#   ./build.sh setup   only the set-up (apt packages, ONNX Runtime, OpenCV shim, dotnet build)
#   ./build.sh train   install the training tools and train + export the model (models/training)
#
# Every step is idempotent: a second run skips what is already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE="$ROOT/.native"
LIB="$NATIVE/lib"
ORT_VERSION="1.30.0"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/monitoring"
CONFIG="${CONFIG:-Release}"

log() { printf '[build] %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

setup_packages() {
  # Build: C++ toolchain and OpenCV 4.6 for the shim. Runtime demo clip: opencv-doc (vtest.avi).
  # npm: fetches ONNX Runtime's native library. GStreamer RTSP server + ffmpeg: the tests' loopback cameras.
  apt_install ca-certificates g++ make cmake pkg-config libopencv-dev opencv-doc \
    python3 python3-gi gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-libav \
    ffmpeg
  # Node.js images often ship npm with nodejs (NodeSource); Debian's own npm only where it is missing.
  command -v npm >/dev/null 2>&1 || apt_install npm
}

setup_onnxruntime() {
  local so="$LIB/libonnxruntime.so.1"
  if [ -f "$so" ]; then return; fi
  mkdir -p "$CACHE" "$LIB"
  local tgz="$CACHE/onnxruntime-node-$ORT_VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    log "fetching ONNX Runtime $ORT_VERSION (npm package onnxruntime-node, ~113 MB, cached in $CACHE)"
    (cd "$CACHE" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  fi
  local tmp; tmp="$(mktemp -d)"
  tar -xzf "$tgz" -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  install -m 0755 "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$so"
  rm -rf "$tmp"
  log "ONNX Runtime $ORT_VERSION -> $so"
}

setup_shim() {
  local so="$LIB/libmonitoring_cvshim.so"
  local src="$ROOT/src/native/cvshim"
  # Rebuild when any shim source is newer than the library.
  if [ -f "$so" ] && [ -z "$(find "$src" -newer "$so" -type f | head -n 1)" ]; then return; fi
  log "building the OpenCV shim"
  mkdir -p "$LIB"
  cmake -S "$src" -B "$NATIVE/build/cvshim" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$NATIVE/build/cvshim" -j "$(nproc)" >/dev/null
  install -m 0755 "$NATIVE/build/cvshim/libmonitoring_cvshim.so" "$so"
}

setup_dotnet() {
  log "dotnet build ($CONFIG)"
  dotnet build "$ROOT/Monitoring.sln" -c "$CONFIG" -nologo -clp:ErrorsOnly -v:q
}

setup() {
  setup_packages
  setup_onnxruntime
  setup_shim
  setup_dotnet
}

monitoring() {
  dotnet "$ROOT/src/Monitoring/bin/$CONFIG/net10.0/monitoring.dll" "$@"
}

cmd="${1:-demo}"
shift || true
case "$cmd" in
  setup) setup ;;
  demo)
    setup
    cd "$ROOT"
    monitoring run --config config/monitoring.json "$@"
    ;;
  test)
    setup
    cd "$ROOT"
    dotnet test "$ROOT/Monitoring.sln" -c "$CONFIG" --no-build -nologo --logger "console;verbosity=normal" "$@"
    ;;
  train)
    apt_install python3-torch python3-onnx python3-numpy python3-opencv
    cd "$ROOT"
    /usr/bin/python3 models/training/train.py "$@"
    ;;
  run)
    cd "$ROOT"
    monitoring "$@"
    ;;
  *)
    echo "usage: ./build.sh demo|test|setup|train|run ARGS" >&2
    exit 2
    ;;
esac
