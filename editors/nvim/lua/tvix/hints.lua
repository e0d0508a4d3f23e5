-- outPath inlay hints for Neovim versions without built-in inlay hints
-- (0.7–0.9): asks `tvix lsp` for `textDocument/inlayHint` and shows each
-- hint as virtual text at the end of its line. The server asks for a
-- refresh (`workspace/inlayHint/refresh`) whenever an evaluation finished.

local M = {}

M.namespace = vim.api.nvim_create_namespace('tvix_inlay_hints')
-- Highlight group of the hint text.
M.highlight = 'Comment'

local function tvix_client(bufnr)
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'tvix' then
      return client
    end
  end
  return nil
end

--- Requests the hints of `bufnr` and redraws them.
function M.refresh(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local client = tvix_client(bufnr)
  if client == nil then
    return
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = 0, character = 0 },
      ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 },
    },
  }
  client.request('textDocument/inlayHint', params, function(err, hints)
    if err or not vim.api.nvim_buf_is_loaded(bufnr) then
      return
    end
    vim.api.nvim_buf_clear_namespace(bufnr, M.namespace, 0, -1)
    local per_line = {}
    for _, hint in ipairs(hints or {}) do
      local line = hint.position.line
      local label = hint.label
      if type(label) == 'table' then
        local parts = {}
        for _, part in ipairs(label) do
          table.insert(parts, part.value)
        end
        label = table.concat(parts)
      end
      per_line[line] = (per_line[line] and (per_line[line] .. ' ') or '') .. vim.trim(label)
    end
    for line, text in pairs(per_line) do
      pcall(vim.api.nvim_buf_set_extmark, bufnr, M.namespace, line, 0, {
        virt_text = { { '⟶ ' .. text, M.highlight } },
        virt_text_pos = 'eol',
      })
    end
  end, bufnr)
end

--- Refreshes every buffer the tvix server is attached to.
function M.refresh_all()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if tvix_client(bufnr) then
      M.refresh(bufnr)
    end
  end
end

--- The server's refresh request: answer at once, redraw soon.
function M.on_refresh_request()
  vim.schedule(M.refresh_all)
  return vim.NIL
end

--- Client capabilities that make the server send refresh requests.
function M.extend_capabilities(capabilities)
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.inlayHint = { refreshSupport = true }
  return capabilities
end

return M
