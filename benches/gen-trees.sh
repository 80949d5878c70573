#!/usr/bin/env bash
# Writes the generated question trees that the benchmarks measure to a folder (by default
# target/trees), with an answers file for each size, then times `mlops-wizard validate` and
# `mlops-wizard recommend` on each tree as whole processes (wall time and peak memory).
#
#   benches/gen-trees.sh [FOLDER]
#
# The benchmarks themselves (`cargo bench`) generate the same trees in memory: see
# docs/performance.md. The command line refuses files over 16 MiB, so the 100,000-question
# trees (71 and 142 MB) are reported as too large there; the library API has no limit.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/trees}"
mkdir -p "$out"
cargo build --release --quiet --bin mlops-wizard --example gen_tree
gen=target/release/examples/gen_tree
bin=target/release/mlops-wizard
for n in 100 1000 10000 100000; do
    "$gen" "$n" > "$out/tree-$n.toml"
    "$gen" "$n" --lean > "$out/tree-$n-lean.toml"
    "$gen" "$n" --answers > "$out/answers-$n.toml"
done
ls -l "$out"
measure() {
    # Prints wall time and peak resident memory of one command.
    local label=$1
    shift
    local start end status=0
    start=$EPOCHREALTIME
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M" -o "$out/.rss" "$@" > /dev/null 2> "$out/.err" || status=$?
    else
        "$@" > /dev/null 2> "$out/.err" || status=$?
        echo "?" > "$out/.rss"
    fi
    end=$EPOCHREALTIME
    printf '%-44s %8.3f s  %8s KiB  %s\n' "$label" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
        "$(tail -n 1 "$out/.rss")" "$([ "$status" = 0 ] && echo ok || head -n 1 "$out/.err")"
}
for n in 100 1000 10000 100000; do
    for style in "" "-lean"; do
        tree="$out/tree-$n$style.toml"
        measure "validate tree-$n$style" "$bin" validate "$tree"
        measure "recommend tree-$n$style (--lenient)" "$bin" --questions "$tree" recommend \
            --answers "$out/answers-$n.toml" --lenient --date 2026-11-28
    done
done
measure "recommend, default tree" "$bin" recommend \
    --answers examples/startup-open-source.toml --date 2026-11-28
rm -f "$out/.rss" "$out/.err"
