#!/usr/bin/env bash
# Fails when a C++ source in the repository differs from what the checked-in .clang-format makes of it,
# and lists those files. `scripts/check-format.sh --fix` formats them instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t sources < <(git ls-files -- '*.cpp' '*.h' '*.c' '*.hpp')
else  # a source tarball: the same folders
  mapfile -t sources < <(find app inference storage util tests -name '*.cpp' -o -name '*.h' -o -name '*.c' | sort)
fi
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${sources[@]}"
  exit 0
fi

unformatted=()
for file in "${sources[@]}"; do
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
    unformatted+=("$file")
  fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "These files are not formatted with .clang-format (run scripts/check-format.sh --fix):"
  printf '  %s\n' "${unformatted[@]}"
  exit 1
fi
echo "All ${#sources[@]} C++ sources are formatted."
