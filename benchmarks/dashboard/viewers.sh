#!/usr/bin/env bash
# Does the dashboard slow the pipeline? The real daemon over vtest.avi, unpaced (a file waits for analysis, so the
# pipeline runs flat out and frames analysed per second is its throughput), every frame analysed, snapshots on (the
# BGR copy the live view is drawn on), once with no viewer and once with N viewers holding the camera's MJPEG stream
# open (curl), alternating, ROUNDS times each. Prints one line per run (frames per second from the pipeline's start
# and stop log lines; the daemon's CPU time per analysed frame) and the medians.
#
#   benchmarks/dashboard/viewers.sh [ROUNDS] [VIEWERS]      (after ./build.sh setup; defaults 3 and 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"
VIEWERS="${2:-3}"
CLIP=/usr/share/doc/opencv-doc/examples/data/vtest.avi
DLL="$ROOT/src/Monitoring/bin/Release/net10.0/monitoring.dll"
WORK="$ROOT/out/bench/dashboard-viewers"
PORT=19477
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/monitoring.json" <<JSON
{
  "model": { "path": "$ROOT/models/anomaly.onnx", "provider": "cpu" },
  "cameras": [ { "id": "demo", "url": "$CLIP", "analysisFps": 0, "profile": "$WORK/demo.profile.json" } ],
  "http": { "urls": "http://127.0.0.1:$PORT" },
  "alerts": { "outbox": { "path": "$WORK/outbox.db" }, "snapshots": { "enabled": true, "directory": "$WORK/snapshots" },
              "jsonlPath": "$WORK/alerts.jsonl" }
}
JSON
dotnet "$DLL" learn --config "$WORK/monitoring.json" --camera demo --source "$CLIP" > "$WORK/learn.log" 2>&1

# seconds between the "Pipeline started" and "Pipeline stopped" log lines (HH:MM:SS.mmm, same day)
span() { awk '/Pipeline started/ { split($1, a, ":"); s = a[1]*3600 + a[2]*60 + a[3] }
              /Pipeline stopped/ { split($1, a, ":"); e = a[1]*3600 + a[2]*60 + a[3] } END { printf "%.2f", e - s }' "$1"; }

run() { # $1 = viewers, $2 = log
  local pids=()
  # the daemon's CPU seconds (user + system, bash's time): robust to a shared machine, unlike frames per second
  ( TIMEFORMAT='%U %S'; time dotnet "$DLL" run --config "$WORK/monitoring.json" > "$2" 2>&1 ) 2> "$2.cpu" &
  local daemon=$!
  if [ "$1" -gt 0 ]; then
    until curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; do sleep 0.05; done
    for i in $(seq "$1"); do
      curl -s -N "http://127.0.0.1:$PORT/dashboard/api/cameras/demo/stream.mjpeg?overlay=heatmap" -o "$WORK/viewer-$i.mjpeg" &
      pids+=($!)
    done
  fi
  wait "$daemon"
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  local frames seconds seen=0
  frames=$(sed -n 's/.*Pipeline stopped: \([0-9]*\) frames analysed.*/\1/p' "$2")
  seconds=$(span "$2")
  # JPEGs the first viewer received (the rate bound: dashboard.maxFps, default 2 per second)
  [ "$1" -gt 0 ] && seen=$(grep -ac -- '--monitoringframe' "$WORK/viewer-1.mjpeg" || true)
  local cpu_ms
  cpu_ms=$(awk -v f="$frames" '{ printf "%.2f", ($1 + $2) * 1000 / f }' "$2.cpu")
  echo "$1 $frames $seconds $(awk -v f="$frames" -v s="$seconds" 'BEGIN { printf "%.1f", f / s }') $seen $cpu_ms"
}

echo "viewers frames seconds frames_per_second jpegs_per_viewer cpu_ms_per_frame"
results=()
for r in $(seq "$ROUNDS"); do
  results+=("$(run 0 "$WORK/run-0-$r.log")"); echo "${results[-1]}"
  results+=("$(run "$VIEWERS" "$WORK/run-$VIEWERS-$r.log")"); echo "${results[-1]}"
done
median() { printf '%s\n' "${results[@]}" | awk -v v="$1" -v c="$2" '$1 == v { print $c }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for v in 0 "$VIEWERS"; do
  echo "median with $v viewer(s): $(median "$v" 4) frames/s, $(median "$v" 6) ms CPU per frame ($ROUNDS runs)"
done
