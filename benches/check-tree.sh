#!/usr/bin/env bash
# Whole-process benchmark of `tvix check` on a large generated tree.
#
# usage: benches/check-tree.sh            (5,000 files, seed 1, bench-data/tree)
#        BENCH_FILES=20000 BENCH_SEED=7 BENCH_RUNS=5 benches/check-tree.sh
#
# Builds the release binary, generates the tree with benches/gen-nix-tree.py
# if it is missing (bench-data/ is git-ignored), then times
#     tvix check <tree> --format json > /dev/null
# with hyperfine when available (installed with apt-get when running as root,
# unless BENCH_NO_INSTALL=1) and always once more under a small Python probe
# for the peak RSS. Prints files, bytes, wall time, files/s and peak RSS.
# `tvix check` exits 1 on this tree (it holds deliberate problems): expected.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

files=${BENCH_FILES:-5000}
seed=${BENCH_SEED:-1}
runs=${BENCH_RUNS:-10}
if [[ $files == 5000 && $seed == 1 ]]; then
    tree=bench-data/tree
else
    tree=bench-data/tree-$files-$seed
fi
target_dir=${CARGO_TARGET_DIR:-target}
tvix=$target_dir/release/tvix

echo "==== build: cargo build --release"
cargo build --release --bin tvix

if [[ ! -d $tree ]]; then
    echo "==== generate: $tree ($files files, seed $seed)"
    mkdir -p bench-data
    python3 benches/gen-nix-tree.py "$tree.partial" "$files" "$seed"
    mv "$tree.partial" "$tree"
fi

nix_files=$(find "$tree" -name '*.nix' -type f | wc -l)
nix_bytes=$(find "$tree" -name '*.nix' -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
command=("$tvix" check "$tree" --format json)
echo "==== tree: $tree, $nix_files files, $nix_bytes bytes"
echo "==== command: ${command[*]} > /dev/null"

if ! command -v hyperfine >/dev/null 2>&1 && [[ ${BENCH_NO_INSTALL:-} != 1 && $(id -u) == 0 ]]; then
    apt-get install -y -qq hyperfine >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } \
        || echo "(could not install hyperfine; timing with Python only)"
fi
if command -v hyperfine >/dev/null 2>&1; then
    echo "==== hyperfine ($runs runs, 1 warm-up)"
    # --ignore-failure: exit status 1 is the expected verdict on this tree.
    hyperfine --ignore-failure --warmup 1 --runs "$runs" --style basic \
        --command-name "tvix check ($nix_files files)" \
        "$(printf '%q ' "${command[@]}") > /dev/null"
fi

echo "==== summary (median of $runs runs after 1 warm-up; peak RSS is the maximum)"
python3 - "$nix_files" "$nix_bytes" "$runs" "${command[@]}" <<'PY'
import resource, statistics, subprocess, sys, time

files, size, runs, cmd = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
walls, statuses, peak_kib = [], set(), 0
for i in range(runs + 1):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    statuses.add(proc.returncode)
    if i > 0:
        walls.append(wall)
# ru_maxrss of the children is the largest of any single child, in KiB on Linux.
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
wall = statistics.median(walls)
print(f"files:      {files}")
print(f"bytes:      {size} ({size / 1e6:.2f} MB)")
print(f"wall time:  {wall * 1000:.1f} ms (min {min(walls) * 1000:.1f} ms, max {max(walls) * 1000:.1f} ms)")
print(f"throughput: {files / wall:,.0f} files/s, {size / 1e6 / wall:.1f} MB/s")
print(f"peak RSS:   {peak_kib / 1024:.1f} MiB")
print(f"exit status: {', '.join(map(str, sorted(statuses)))} (1 expected: the tree has deliberate problems)")
if statuses - {0, 1}:
    sys.exit("tvix check failed unexpectedly (status other than 0 or 1)")
PY
