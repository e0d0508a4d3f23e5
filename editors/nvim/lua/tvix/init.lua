-- tvix for Neovim: starts `tvix lsp` for Nix buffers.
--
-- Works on Neovim 0.7+ without plugins (vim.lsp.start_client and
-- buf_attach_client, one client per workspace root), and registers a
-- `tvix` server with nvim-lspconfig when that is installed, so that
-- `require('lspconfig').tvix.setup{}` works too.

local M = {}

--- Default settings; `setup` merges the user's over them.
M.config = {
  -- The server command.
  cmd = { 'tvix', 'lsp' },
  -- Files or directories that mark a workspace root, nearest first.
  root_markers = { 'flake.nix', '.git' },
  -- Sent as `initializationOptions` and answered to
  -- `workspace/configuration` (section `tvix`).
  settings = {
    tvix = {
      eval = { enable = true, timeoutMs = 2000 },
      diagnostics = { disabled = {} },
      nixPath = {},
      formatting = { command = { 'nixfmt' } },
    },
  },
  -- Attach automatically to `nix` buffers.
  autostart = true,
  -- Show outPath inlay hints as end-of-line virtual text (for Neovim
  -- versions without built-in inlay hints).
  inlay_hints = true,
  -- Passed through to the client (e.g. on_attach, capabilities).
  on_attach = nil,
  capabilities = nil,
}

local clients = {} -- root directory -> client id

--- The workspace root of a file: the nearest ancestor holding a marker,
--- or the file's directory.
function M.root_dir(path, markers)
  markers = markers or M.config.root_markers
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local current = dir
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(current .. '/' .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      return dir
    end
    current = parent
  end
end

local function client_config(root)
  local config = M.config
  local capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities()
  local handlers = {}
  if config.inlay_hints then
    local hints = require('tvix.hints')
    capabilities = hints.extend_capabilities(capabilities)
    handlers['workspace/inlayHint/refresh'] = hints.on_refresh_request
  end
  return {
    name = 'tvix',
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = config.settings,
    settings = config.settings,
    on_attach = function(client, bufnr)
      if config.inlay_hints then
        require('tvix.hints').refresh(bufnr)
      end
      if config.on_attach then
        config.on_attach(client, bufnr)
      end
    end,
    handlers = handlers,
    capabilities = capabilities,
  }
end

--- Starts (or reuses) the server for `bufnr`'s workspace and attaches it.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' then
    return nil
  end
  local root = M.root_dir(path)
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Registers `tvix` with nvim-lspconfig, when it is installed.
function M.register_lspconfig()
  local ok, configs = pcall(require, 'lspconfig.configs')
  if not ok then
    return false
  end
  if not configs.tvix then
    local util = require('lspconfig.util')
    configs.tvix = {
      default_config = {
        cmd = M.config.cmd,
        filetypes = { 'nix' },
        root_dir = util.root_pattern(unpack(M.config.root_markers)),
        single_file_support = true,
        init_options = M.config.settings,
        settings = M.config.settings,
      },
      docs = { description = 'tvix: a Nix language server with evaluation.' },
    }
  end
  return true
end

--- Configures the plugin. With `use_lspconfig = true` the server is
--- registered with nvim-lspconfig and started through it; otherwise a
--- FileType autocommand attaches it to every `nix` buffer.
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', M.config, opts)
  if opts.use_lspconfig and M.register_lspconfig() then
    require('lspconfig').tvix.setup({
      on_attach = M.config.on_attach,
      capabilities = M.config.capabilities,
    })
    return
  end
  if M.config.autostart then
    local group = vim.api.nvim_create_augroup('tvix_lsp', { clear = true })
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = 'nix',
      callback = function(args)
        M.attach(args.buf)
      end,
    })
  end
end

return M
