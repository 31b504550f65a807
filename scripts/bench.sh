#!/usr/bin/env bash
# Builds release and measures every target of the performance issue, printing one table with each
# target beside its figure. See BENCHMARKS.md.
#   scripts/bench.sh              the table (in-process targets, then whole-process ones; ~4 min)
#   scripts/bench.sh --detailed   also the ordo-one/benchmark suites with their percentile tables
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
results="$(mktemp)"

echo "building release…" >&2
swift build -c release --product ollama-deck >&2
swift build -c release --product ollama-sim >&2
# Touching the manifest makes SwiftPM re-plan, so files added to the main package since the last
# benchmark build are seen (it caches a path dependency's file list otherwise).
touch Benchmarks/Package.swift
swift build -c release --package-path Benchmarks --product deck-profile >&2

Benchmarks/.build/release/deck-profile targets | grep '^{' >> "$results"
python3 scripts/process_bench.py .build/release | grep '^{' >> "$results"
# The fleet's whole-process targets read the screen through a terminal emulator (pyte, from PyPI,
# in a virtual environment of the benchmarks' own).
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench >&2
  .venv-bench/bin/pip install --quiet pyte >&2
fi
.venv-bench/bin/python scripts/fleet_bench.py .build/release | grep '^{' >> "$results"

if [ "${1:-}" = "--detailed" ]; then
  (cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --format text)
fi

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(swift --version 2>&1 | head -1)"
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
rows.sort(key=lambda r: (r["target"][0] == "F", r["target"][:3]))
width = max(len(r["target"]) for r in rows)
print(f"{'target':<{width}}  {'status':<6}  figure")
for r in rows:
    print(f"{r['target']:<{width}}  {'met' if r['met'] else 'MISSED':<6}  {r['figure']}")
PY
rm -f "$results"
