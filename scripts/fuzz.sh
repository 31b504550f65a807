#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, with --sanitize=fuzzer) and runs each for a bounded time on
# its corpus in Tests/FuzzCorpus/<target>/, which grows with what the fuzzer finds. A crash leaves
# its input as Fuzz/crash-<target>-*: add it to the regression tests (see docs/hardening.md).
#   scripts/fuzz.sh            every target, 60 s each
#   scripts/fuzz.sh 300 FuzzNDJSON
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzNDJSON FuzzKeys FuzzMarkdown FuzzWidth)
export LC_ALL=C.UTF-8
# Swift's own crash backtracer would catch the trap first and libFuzzer would not save the input.
export SWIFT_BACKTRACE=enable=no
# Touching the manifest makes SwiftPM re-plan, so files added to the main package are seen.
touch Fuzz/Package.swift
swift build --package-path Fuzz --scratch-path Fuzz/.build --sanitize=fuzzer
bin="$(swift build --package-path Fuzz --scratch-path Fuzz/.build --sanitize=fuzzer --show-bin-path)"
status=0
for target in "${targets[@]}"; do
  corpus="Tests/FuzzCorpus/$target"
  mkdir -p "$corpus"
  echo "== $target for ${seconds}s (corpus $corpus: $(ls "$corpus" | wc -l) inputs)"
  if ! "$bin/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="Fuzz/crash-$target-" -print_final_stats=1 "$corpus" 2>&1 | tail -n 12; then
    status=1
    echo "!! $target found a crash: see Fuzz/crash-$target-*"
  fi
  # Keep the corpus small: only inputs that add coverage stay.
  merged="$(mktemp -d)"
  if "$bin/$target" -merge=1 "$merged" "$corpus" >/dev/null 2>&1; then
    rm -rf "$corpus" && mv "$merged" "$corpus"
  fi
  echo "   corpus now $(ls "$corpus" | wc -l) inputs"
done
exit $status
