#!/usr/bin/env bash
# Takes the README's screenshot of `tvix lsp` in Neovim: a real headless
# Neovim (Debian's 0.7) with editors/nvim, inside tmux, showing outPath
# inlay hints and diagnostics; the terminal's screen is captured with its
# colours and rendered to docs/nvim-hints.svg by `rich` (installed into a
# temporary virtualenv). Needs tmux, nvim, python3-venv and network access
# to PyPI. Usage: docs/make-screenshots.sh [path/to/tvix]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tvix=${1:-}
if [[ -z $tvix ]]; then
    (cd "$repo" && cargo build --release --quiet)
    tvix="${CARGO_TARGET_DIR:-$repo/target}/release/tvix"
fi
work=$(mktemp -d)
trap 'tmux kill-session -t tvix-shot 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/project/.git"
cat > "$work/project/default.nix" <<'NIX'
let
  system = "x86_64-linux";
  mk = name: deps: derivation {
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" "echo ${name} > $out" ];
    buildInputs = deps;
  };
  unused = 42;
in
rec {
  hello = mk "hello-2.12" [ ];
  greeter = mk "greeter-1.0" [ hello ];
  tools = {
    fmt = mk "fmt-3.1" [ greeter ];
  };
  motd = "built " + hello.name + " at version " + 2;
}
NIX
cat > "$work/init.lua" <<LUA
vim.opt.runtimepath:prepend('$repo/editors/nvim')
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.cmd('syntax on')
vim.diagnostic.config({ virtual_text = true, signs = true })
require('tvix').setup({ cmd = { '$tvix', 'lsp' } })
LUA
cd "$work/project"
tmux new-session -d -s tvix-shot -x 110 -y 22 "nvim -u $work/init.lua default.nix"
for _ in $(seq 1 60); do
    sleep 0.5
    if tmux capture-pane -p -t tvix-shot | grep -q '/nix/store' \
        && tmux capture-pane -p -t tvix-shot | grep -q 'cannot'; then
        break
    fi
done
sleep 1
tmux capture-pane -e -p -t tvix-shot > "$work/screen.ans"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet rich
"$work/venv/bin/python" - "$work/screen.ans" "$repo/docs/nvim-hints.svg" <<'PY'
import io, sys
from rich.console import Console
from rich.text import Text
screen = open(sys.argv[1], encoding="utf-8").read().rstrip("\n")
console = Console(record=True, width=110, file=io.StringIO(), color_system="256")
console.print(Text.from_ansi(screen))
console.save_svg(sys.argv[2], title="tvix lsp in Neovim 0.7: outPath hints and diagnostics")
PY
echo "wrote $repo/docs/nvim-hints.svg"
