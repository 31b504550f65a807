#!/usr/bin/env bash
# Builds release and runs the benchmarks; prints each with its figures. See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
export LC_ALL=C.UTF-8
swift package --allow-writing-to-package-directory benchmark --format text "$@"
