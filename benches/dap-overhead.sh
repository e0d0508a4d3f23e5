#!/usr/bin/env bash
# Cost of the debugger: `tvix eval --strict` against the same evaluation
# under `tvix dap` with the debugger attached and no breakpoints, on the
# workloads in benches/eval/*.nix.
#
# usage: benches/dap-overhead.sh                 (every workload, 3 runs each)
#        BENCH_RUNS=5 benches/dap-overhead.sh fib lists
#
# Builds the release binary (honours CARGO_TARGET_DIR), then for each
# workload prints the best wall time of BENCH_RUNS runs of each and their
# ratio (dap / eval). The DAP run is driven by a small Python client
# (initialize, launch, configurationDone, wait for `terminated`) and its
# printed result is checked against `tvix eval`'s. Never run by `cargo test`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${BENCH_RUNS:-3}
target_dir=${CARGO_TARGET_DIR:-target}
tvix=$target_dir/release/tvix

echo "==== build: cargo build --release --bin tvix (target dir $target_dir)"
cargo build --release --bin tvix

workloads=()
if [[ $# -gt 0 ]]; then
    for w in "$@"; do workloads+=("benches/eval/${w%.nix}.nix"); done
else
    for w in benches/eval/*.nix; do
        # import-tree needs generated data (see eval-vs-nix.sh).
        [[ $w == *import-tree.nix && ! -f bench-data/eval-import-tree/default.nix ]] && continue
        workloads+=("$w")
    done
fi

python3 - "$tvix" "$runs" "${workloads[@]}" <<'PY'
import json, os, subprocess, sys, time

tvix, runs, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def frame(seq, command, args):
    body = json.dumps({"seq": seq, "type": "request", "command": command, "arguments": args}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def read_message(stream):
    length = 0
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))

def under_dap(path):
    p = subprocess.Popen([tvix, "dap"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    start = time.perf_counter()
    p.stdin.write(frame(1, "initialize", {"adapterID": "bench"}))
    p.stdin.write(frame(2, "launch", {"program": os.path.abspath(path), "strict": True}))
    p.stdin.write(frame(3, "configurationDone", {}))
    p.stdin.flush()
    out = ""
    while True:
        m = read_message(p.stdout)
        if m is None:
            raise SystemExit(f"tvix dap ended early on {path}")
        if m.get("event") == "output" and m["body"].get("category") == "stdout":
            out += m["body"]["output"]
        if m.get("event") == "terminated":
            break
    elapsed = time.perf_counter() - start
    p.stdin.write(frame(4, "disconnect", {}))
    p.stdin.close()
    p.wait()
    return elapsed, out

def plain(path):
    start = time.perf_counter()
    r = subprocess.run([tvix, "eval", "--strict", path], capture_output=True, text=True)
    return time.perf_counter() - start, r.stdout

print(f"{'workload':<16} {'eval (s)':>10} {'dap (s)':>10} {'dap/eval':>9}")
for path in files:
    e = [plain(path) for _ in range(runs)]
    d = [under_dap(path) for _ in range(runs)]
    if e[0][1] != d[0][1]:
        print(f"{path}: outputs differ:\n eval: {e[0][1][:200]!r}\n dap:  {d[0][1][:200]!r}")
        sys.exit(1)
    best_e, best_d = min(t for t, _ in e), min(t for t, _ in d)
    name = os.path.basename(path)[:-4]
    print(f"{name:<16} {best_e:>10.3f} {best_d:>10.3f} {best_d / best_e:>8.2f}x")
PY
