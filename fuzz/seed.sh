#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs from the project's own files:
#   tree:     questions/*.toml and tests/fixtures/trees/**/*.toml (valid and invalid)
#   answers:  examples/*.toml and tests/fixtures/answers/**/*.toml
#   pipeline: each tree above joined to each answers file by one 0xFF byte (the separator
#             the target splits at), plus each tree alone
#   differential: the trees above (it loads a tree both ways and compares)
# and tests/fixtures/fuzz/<target>-* (inputs kept from earlier runs) to their target.
# Seeds are named by their content's SHA-1, as libFuzzer names corpus files, so running
# this again adds nothing twice. The corpora are not kept in git (see .gitignore).
#
# Usage: fuzz/seed.sh            (from anywhere in the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$root/fuzz/corpus"
mkdir -p "$corpus/tree" "$corpus/answers" "$corpus/pipeline" "$corpus/differential"

# put TARGET FILE...: copies each file into the target's corpus under its SHA-1.
put() {
    local target="$1"
    shift
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$corpus/$target/$(sha1sum <"$f" | cut -d' ' -f1)"
    done
}

shopt -s nullglob globstar
trees=("$root"/questions/*.toml "$root"/tests/fixtures/trees/**/*.toml)
answers=("$root"/examples/*.toml "$root"/tests/fixtures/answers/**/*.toml)

put tree "${trees[@]}"
put differential "${trees[@]}"
put answers "${answers[@]}"

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
for t in "${trees[@]}"; do
    put pipeline "$t"
    # Only the valid trees: the pipeline stops at an invalid one, so pairing it with
    # every answers file would add nothing but copies.
    case "$t" in */invalid/*) continue ;; esac
    for a in "${answers[@]}"; do
        { cat "$t"; printf '\377'; cat "$a"; } >"$tmp"
        put pipeline "$tmp"
    done
done

for target in tree answers pipeline; do
    put "$target" "$root"/tests/fixtures/fuzz/"$target"-*
done
put differential "$root"/tests/fixtures/fuzz/tree-*

for target in tree answers pipeline differential; do
    echo "$target: $(find "$corpus/$target" -type f | wc -l) inputs"
done
