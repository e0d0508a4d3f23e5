//! The editors/nvim debugger glue: headless Neovim loads `tvix.dap` with a
//! stand-in for nvim-dap (which Debian does not package), checks the
//! adapter and configurations it registers, and starts the registered
//! adapter command to see it answer `initialize`.

use std::path::Path;
use std::process::Command;

const SCRIPT: &str = r#"
local registered = { adapters = {}, configurations = {}, runs = {} }
package.loaded['dap'] = {
  adapters = registered.adapters,
  configurations = registered.configurations,
  run = function(c) table.insert(registered.runs, c) end,
}
local tvix_dap = require('tvix.dap')
assert(tvix_dap.setup({ cmd = { TVIX, 'dap' } }))
local adapter = registered.adapters.tvix
assert(adapter.type == 'executable' and adapter.command == TVIX and adapter.args[1] == 'dap')
local configs = registered.configurations.nix
assert(#configs == 3, 'three configurations')
assert(configs[1].type == 'tvix' and configs[1].request == 'launch' and configs[1].program == '${file}')
vim.cmd('TvixDebugFile')
assert(registered.runs[1].name == 'Evaluate this file')
-- The adapter command speaks DAP.
local body = '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"tvix"}}'
local out = vim.fn.system({ adapter.command, unpack(adapter.args) },
  'Content-Length: ' .. #body .. '\r\n\r\n' .. body)
assert(out:find('"supportsConditionalBreakpoints":true', 1, true), out)
assert(out:find('"event":"initialized"', 1, true), out)
io.stdout:write('tvix.dap ok\n')
"#;

#[test]
fn neovim_registers_the_tvix_debug_adapter() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!(
            "\n\n*** SKIPPED: nvim is not installed; the Neovim debugger test did not run. \
             Install it (apt-get install -y neovim), as .ci/run does. ***\n"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("tvix-dap-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("check.lua");
    let tvix = env!("CARGO_BIN_EXE_tvix");
    std::fs::write(&script, format!("TVIX = {tvix:?}\n{SCRIPT}")).unwrap();
    let out = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "--cmd"])
        .arg(format!("set rtp^={}", root.join("editors/nvim").display()))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .args(["-c", "qa!"])
        .output()
        .expect("nvim runs");
    let _ = std::fs::remove_dir_all(&dir);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("tvix.dap ok"), "nvim said: {all}");
}
