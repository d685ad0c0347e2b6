#!/usr/bin/env bash
# Checks the layering of core/ (core/README.md): every #include "core/X/..." in a file of
# core/F/ needs X to be F itself or named on the "May include:" line of core/F/README.md.
# Also: nothing in core/ includes cmd/ or CLI11, and only core/paho/ includes paho, OpenSSL or
# libsodium. Prints each violation as FILE:LINE: what; exit 0 clean, 1 violations, 2 usage.
#   check_layers.sh SOURCE_DIR
set -u
if (($# != 1)); then
  echo "usage: $0 SOURCE_DIR" >&2
  exit 2
fi
core=$1/core
failures=0
fail() {
  echo "$1" >&2
  failures=$((failures + 1))
}

declare -A allowed
for readme in "$core"/*/README.md; do
  layer=$(basename "$(dirname "$readme")")
  line=$(grep -m1 '^May include:' "$readme") || {
    fail "$readme: no 'May include:' line (name the layers it may include, or (nothing))"
    continue
  }
  allowed[$layer]=" $layer ${line#May include:} "
done

while IFS= read -r file; do
  rel=${file#"$1"/}
  layer=$(cut -d/ -f2 <<<"$rel")
  if [ -z "${allowed[$layer]+set}" ]; then
    fail "$rel: core/$layer/ has no README.md that says what it may include"
    continue
  fi
  while IFS=: read -r line include; do
    target=$(sed -E 's/.*#include "core\/([a-z_]+)\/.*/\1/' <<<"$include")
    case "${allowed[$layer]}" in
      *" $target "*) ;;
      *) fail "$rel:$line: core/$layer/ may not include core/$target/ (see core/$layer/README.md)" ;;
    esac
  done < <(grep -nE '^#include "core/[a-z_]+/' "$file" | cut -d: -f1,2)
  while IFS=: read -r line include; do
    fail "$rel:$line: core/ knows nothing of the command line: $include"
  done < <(grep -nE '^#include ("cmd/|<CLI/)' "$file" | cut -d: -f1,2)
  if [ "$layer" != paho ]; then
    while IFS=: read -r line include; do
      fail "$rel:$line: only core/paho/ includes paho, OpenSSL or libsodium: $include"
    done < <(grep -nE '^#include <(mqtt/|MQTT|openssl/|sodium)' "$file" | cut -d: -f1,2)
  fi
done < <(find "$core" -mindepth 2 -name '*.[ch]pp' | sort)

loose=$(find "$core" -maxdepth 1 -name '*.[ch]pp')
[ -z "$loose" ] || fail "files directly in core/ belong in one of its layers: $loose"

if ((failures)); then
  echo "check_layers: $failures violation(s) of the layering in core/README.md" >&2
  exit 1
fi
echo "check_layers: every include in core/ follows core/README.md"
