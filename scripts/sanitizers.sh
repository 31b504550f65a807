#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and under ThreadSanitizer, each in a build folder of
# its own (.build-asan, .build-tsan), so the everyday build is not rebuilt. Slow: each first build
# compiles every dependency instrumented (several minutes on 2 cores).
#   scripts/sanitizers.sh            both
#   scripts/sanitizers.sh thread     one
set -uo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
status=0
for kind in "${kinds[@]}"; do
  scratch=".build-${kind:0:1}san"
  [ "$kind" = address ] && scratch=.build-asan
  [ "$kind" = thread ] && scratch=.build-tsan
  echo "== swift test --sanitize=$kind (build folder $scratch)"
  # halt_on_error: the first report fails the run; TSan reports go to the log as well.
  # Instrumented builds are slower: the end-to-end tests wait four times longer.
  if DECK_E2E_TIME_SCALE=4 ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      swift test --sanitize="$kind" --scratch-path "$scratch" 2>&1 | tee "/tmp/ollama-deck-$kind.log" | tail -n 5; then
    grep -q "Test run with .* passed" "/tmp/ollama-deck-$kind.log" || status=1
  else
    status=1
  fi
  if grep -q "ERROR: AddressSanitizer\|WARNING: ThreadSanitizer" "/tmp/ollama-deck-$kind.log"; then
    echo "!! $kind sanitizer reported problems: /tmp/ollama-deck-$kind.log"
    status=1
  fi
done
exit $status
