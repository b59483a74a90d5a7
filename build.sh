#!/usr/bin/env bash
# One entry point for setting up, running and testing Monitoring on Debian 12 (run as root).
#
#   ./build.sh demo    set up everything, then run the daemon once over the bundled demo config
#   ./build.sh test    set up everything, then run the whole test suite
#   ./build.sh setup   only the set-up (apt packages, OpenCV and libtorch shims, dotnet build with its NuGet packages)
#   ./build.sh train   install the training tools and train + export the model (models/training)
#
# Every step is idempotent: a second run skips what is already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE="$ROOT/.native"
LIB="$NATIVE/lib"
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
  # GStreamer RTSP server + ffmpeg: the tests' loopback cameras. ONNX Runtime comes from NuGet with the build.
  # fonts-dejavu-core: the text of eval's and the soak's plots (ScottPlot's SkiaSharp reads /usr/share/fonts itself).
  # chromium: the dashboard's browser tests (driven by Microsoft.Playwright's driver from NuGet; no browser download).
  # libtorch-dev: PyTorch 1.13's C++ library for the shim that tunes each camera's predictor (decision 0021).
  apt_install ca-certificates g++ make cmake pkg-config libopencv-dev opencv-doc libtorch-dev \
    python3 python3-gi gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-libav \
    ffmpeg fonts-dejavu-core chromium
}

# build_shim NAME WHAT: builds src/native/NAME into .native/lib/libmonitoring_NAME.so, when any of its sources is newer.
build_shim() {
  local name="$1" what="$2"
  local so="$LIB/libmonitoring_$name.so"
  local src="$ROOT/src/native/$name"
  if [ -f "$so" ] && [ -z "$(find "$src" -newer "$so" -type f | head -n 1)" ]; then return; fi
  log "building the $what shim"
  mkdir -p "$LIB"
  cmake -S "$src" -B "$NATIVE/build/$name" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$NATIVE/build/$name" -j "$(nproc)" >/dev/null
  install -m 0755 "$NATIVE/build/$name/libmonitoring_$name.so" "$so"
}

setup_dotnet() {
  log "dotnet build ($CONFIG)"
  dotnet build "$ROOT/Monitoring.sln" -c "$CONFIG" -nologo -clp:ErrorsOnly -v:q
}

setup() {
  setup_packages
  build_shim cvshim OpenCV
  build_shim torchshim libtorch
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
    # the package models/training/montrain (requirements: models/training/requirements.md); paths given here are
    # relative to the repository root, as before
    PYTHONPATH="$ROOT/models/training${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m montrain.train "$@"
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
