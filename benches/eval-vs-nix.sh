#!/usr/bin/env bash
# Side-by-side evaluation speed: `tvix eval --strict` against C++ Nix's
# `nix-instantiate --eval --strict` on the workloads in benches/eval/*.nix.
#
# usage: benches/eval-vs-nix.sh                  (every workload, 5 runs each)
#        BENCH_RUNS=10 benches/eval-vs-nix.sh fib lists
#
# 1. Builds the binary users get, `--profile dist` (release with fat LTO;
#    BENCH_PROFILE=release measures the plain release build instead;
#    honours CARGO_TARGET_DIR).
# 2. Generates bench-data/eval-import-tree (git-ignored) for import-tree.nix
#    with benches/eval/gen-import-tree.py if it is missing, and fetches
#    nixpkgs' lib for the lib-* workloads with benches/fetch-nixpkgs-lib.sh
#    (NIXPKGS_LIB_MIRROR=<git dir> exports from a local mirror instead).
# 3. For each workload: runs both once and checks stdout and exit status are
#    identical (a mismatch is reported and the workload is not timed), then
#    times both with hyperfine (BENCH_WARMUP warm-ups, default 1; BENCH_RUNS
#    runs, default 5; installed with apt-get when running as root unless
#    BENCH_NO_INSTALL=1) and measures the peak RSS of one more run of each
#    with GNU time (`/usr/bin/time -f %M`).
# 4. Prints a table: workload, median wall time of each, ratio nix/tvix
#    (> 1 means tvix is faster), the same ratio for CPU time (user+system),
#    peak RSS of each.
#
# Exits 1 when any workload's outputs differ. Never run by `cargo test`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${BENCH_RUNS:-5}
warmup=${BENCH_WARMUP:-1}
target_dir=${CARGO_TARGET_DIR:-target}
profile=${BENCH_PROFILE:-dist}
tvix=$target_dir/$profile/tvix
nix=${NIX_INSTANTIATE:-nix-instantiate}

need_pkg() { # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    if [[ ${BENCH_NO_INSTALL:-} != 1 && $(id -u) == 0 ]]; then
        apt-get install -y -qq "$2" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } \
            || true
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is missing (apt-get install $2)" >&2; exit 2; }
}
need_pkg hyperfine hyperfine
need_pkg "$nix" nix-bin
[[ -x /usr/bin/time ]] || need_pkg /usr/bin/time time

echo "==== build: cargo build --profile $profile --bin tvix (target dir $target_dir)"
cargo build --profile "$profile" --bin tvix

tree=bench-data/eval-import-tree
if [[ ! -f $tree/default.nix ]]; then
    echo "==== generate: $tree"
    rm -rf "$tree.partial"
    mkdir -p bench-data
    python3 benches/eval/gen-import-tree.py "$tree.partial" >/dev/null
    mv "$tree.partial" "$tree"
fi

benches/fetch-nixpkgs-lib.sh nix28

workloads=()
if [[ $# -gt 0 ]]; then
    for w in "$@"; do workloads+=("benches/eval/${w%.nix}.nix"); done
else
    workloads=(benches/eval/*.nix)
fi

echo "==== $("$nix" --version); tvix $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- eval src 2>/dev/null || echo '+dirty')"
echo "==== $(nproc) CPUs, $(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=()
mismatches=0
for w in "${workloads[@]}"; do
    name=$(basename "$w" .nix)
    nix_cmd=("$nix" --eval --strict "$w")
    tvix_cmd=("$tvix" eval --strict "$w")

    # Same stdout and exit status, or no timing.
    set +e
    "${nix_cmd[@]}" >"$work/nix.out" 2>"$work/nix.err"; nix_rc=$?
    "${tvix_cmd[@]}" >"$work/tvix.out" 2>"$work/tvix.err"; tvix_rc=$?
    set -e
    if [[ $nix_rc != 0 || $tvix_rc != 0 ]] || ! cmp -s "$work/nix.out" "$work/tvix.out"; then
        echo "==== $name: OUTPUT MISMATCH (C++ Nix exit $nix_rc, tvix exit $tvix_rc)"
        diff <(cat "$work/nix.out" "$work/nix.err") <(cat "$work/tvix.out" "$work/tvix.err") | head -20 || true
        rows+=("$name|mismatch|||||||")
        mismatches=$((mismatches + 1))
        continue
    fi
    echo "==== $name: outputs identical ($(wc -c <"$work/nix.out") bytes)"

    hyperfine -N --warmup "$warmup" --runs "$runs" --style basic \
        --export-json "$work/$name.json" \
        --command-name "C++ Nix $name" "$(printf '%q ' "${nix_cmd[@]}")" \
        --command-name "tvix $name" "$(printf '%q ' "${tvix_cmd[@]}")"

    /usr/bin/time -o "$work/nix.rss" -f %M "${nix_cmd[@]}" >/dev/null 2>&1
    /usr/bin/time -o "$work/tvix.rss" -f %M "${tvix_cmd[@]}" >/dev/null 2>&1
    read -r nix_med nix_sd nix_cpu tvix_med tvix_sd tvix_cpu < <(python3 - "$work/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r[:2]:
    print(x["median"], x["stddev"] or 0, x["user"] + x["system"], end=" ")
print()
PY
)
    rows+=("$name|$nix_med|$nix_sd|$nix_cpu|$tvix_med|$tvix_sd|$tvix_cpu|$(tail -1 "$work/nix.rss")|$(tail -1 "$work/tvix.rss")")
done

echo
echo "==== summary: median wall time of $runs runs after $warmup warm-up(s) (± σ); ratio = C++ Nix / tvix (> 1: tvix faster); CPU ratio = the same for mean user+system time (steadier on a busy machine); peak RSS of one run"
python3 - "${rows[@]}" <<'PY'
import sys
print("| workload | C++ Nix median | tvix median | ratio nix/tvix | CPU ratio | C++ Nix peak RSS | tvix peak RSS |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for row in sys.argv[1:]:
    name, nm, nsd, ncpu, tm, tsd, tcpu, nrss, trss = row.split("|")
    if nm == "mismatch":
        print(f"| {name} | output differs | | | | | |")
        continue
    nm, nsd, ncpu, tm, tsd, tcpu = map(float, (nm, nsd, ncpu, tm, tsd, tcpu))
    print(f"| {name} | {nm * 1000:.0f} ± {nsd * 1000:.0f} ms | {tm * 1000:.0f} ± {tsd * 1000:.0f} ms "
          f"| {nm / tm:.2f} | {ncpu / tcpu:.2f} | {int(nrss) / 1024:.1f} MiB | {int(trss) / 1024:.1f} MiB |")
PY
if [[ $mismatches != 0 ]]; then
    echo "$mismatches workload(s) gave different output" >&2
    exit 1
fi
