#!/usr/bin/env bash
# Every C++ file of the repository is formatted as .clang-format says.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "not clang-formatted: $f"; bad=1; }
done < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cu' '*.cuh' 2>/dev/null || find . -name '*.cpp' -o -name '*.hpp')
[ "$bad" -eq 0 ] && echo "1 passed, 0 failed"
exit "$bad"
