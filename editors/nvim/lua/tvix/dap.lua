-- tvix for nvim-dap: step-debug Nix evaluation with `tvix dap`.
--
--   require('tvix.dap').setup()            -- adapter + configurations
--   require('tvix.dap').setup({ cmd = { '/path/to/tvix', 'dap' } })
--
-- Then `:lua require('dap').continue()` in a Nix buffer offers
-- "Evaluate this file", "Evaluate an attribute" and "Evaluate an
-- expression"; `:TvixDebugFile` starts the first directly. Launch
-- attributes are the ones of the VS Code extension (program, expression,
-- attribute, args, argstr, searchPath, strict, stopOnEntry, cwd).

local M = {}

--- Default settings; `setup` merges the user's over them.
M.config = {
  -- The adapter command (an executable adapter on stdio).
  cmd = { 'tvix', 'dap' },
  -- Extra configurations appended to the defaults.
  configurations = {},
}

--- The nvim-dap adapter definition.
function M.adapter(cmd)
  cmd = cmd or M.config.cmd
  return {
    type = 'executable',
    command = cmd[1],
    args = vim.list_slice(cmd, 2),
    options = { source_filetype = 'nix' },
  }
end

--- The default launch configurations for Nix buffers.
function M.configurations()
  local configs = {
    {
      type = 'tvix',
      request = 'launch',
      name = 'Evaluate this file',
      program = '${file}',
      cwd = '${workspaceFolder}',
      strict = true,
    },
    {
      type = 'tvix',
      request = 'launch',
      name = 'Evaluate an attribute',
      program = '${file}',
      cwd = '${workspaceFolder}',
      attribute = function()
        return vim.fn.input('Attribute path: ')
      end,
    },
    {
      type = 'tvix',
      request = 'launch',
      name = 'Evaluate an expression',
      cwd = '${workspaceFolder}',
      expression = function()
        return vim.fn.input('Nix expression: ')
      end,
    },
  }
  for _, c in ipairs(M.config.configurations) do
    table.insert(configs, c)
  end
  return configs
end

--- Debugs the current file with the first configuration.
function M.debug_file()
  local ok, dap = pcall(require, 'dap')
  if not ok then
    vim.notify('tvix: nvim-dap is not installed', vim.log.levels.ERROR)
    return
  end
  dap.run(M.configurations()[1])
end

--- Registers the `tvix` adapter and the `nix` configurations with
--- nvim-dap, and the `:TvixDebugFile` command.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local ok, dap = pcall(require, 'dap')
  if not ok then
    vim.notify('tvix: nvim-dap is not installed; tvix.dap does nothing', vim.log.levels.WARN)
    return false
  end
  dap.adapters.tvix = M.adapter()
  dap.configurations.nix = M.configurations()
  vim.api.nvim_create_user_command('TvixDebugFile', M.debug_file, {
    desc = 'Step-debug the evaluation of this Nix file (tvix dap)',
  })
  return true
end

return M
