-- Headless Neovim end-to-end test of `tvix lsp` through the editors/nvim
-- plugin. Environment: TVIX_BIN (the server), TVIX_WORKSPACE (a workspace
-- with main.nix and lib.nix), TVIX_OUT (where results are written, one
-- `KEY value` line each). Run by tests/lsp_nvim.rs.

local out = assert(io.open(os.getenv('TVIX_OUT'), 'w'))
local function emit(key, value)
  out:write(key .. ' ' .. value .. '\n')
  out:flush()
end

vim.lsp.set_log_level('debug')
local ok, err = pcall(function()
  local workspace = os.getenv('TVIX_WORKSPACE')
  local tvix = require('tvix')
  tvix.setup({ cmd = { os.getenv('TVIX_BIN'), 'lsp' } })

  vim.cmd('edit ' .. workspace .. '/main.nix')
  local buf = vim.api.nvim_get_current_buf()
  emit('FILETYPE', vim.bo[buf].filetype)

  -- Attached, and the first diagnostics arrive.
  assert(vim.wait(20000, function()
    return #vim.lsp.buf_get_clients(buf) > 0
  end, 50), 'the client never attached')
  assert(vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50), 'no diagnostics arrived')
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    emit('DIAGNOSTIC', string.format('%d:%d %s', d.lnum, d.col, d.message))
  end

  local uri = vim.uri_from_bufnr(buf)
  local function at(line, character)
    return { textDocument = { uri = uri }, position = { line = line, character = character } }
  end
  local function request(method, params)
    local responses, request_err = vim.lsp.buf_request_sync(buf, method, params, 20000)
    assert(responses, method .. ': ' .. tostring(request_err))
    for _, response in pairs(responses) do
      -- Neovim 0.7 calls it `error`, later versions `err`.
      local failure = response.err or response.error
      if failure then
        return nil, failure
      end
      return response.result
    end
  end

  -- Definition of `lib.double` (line 4, column 6) is in lib.nix.
  -- The workspace is indexed in the background after `initialized`; on a
  -- loaded machine lib.nix may not be indexed yet, so ask until it is.
  local definition
  assert(vim.wait(20000, function()
    definition = request('textDocument/definition', at(4, 6))
    return definition ~= nil and (definition[1] ~= nil or definition.uri ~= nil)
  end, 100), 'definition never resolved')
  local target = definition[1] or definition
  emit('DEFINITION', string.format('%s:%d:%d', vim.fn.fnamemodify(vim.uri_to_fname(target.uri), ':t'),
    target.range.start.line, target.range.start.character))

  -- Hover over `lib.double`: its doc comment.
  local hover = request('textDocument/hover', at(4, 6))
  local text = hover.contents.value or hover.contents
  emit('HOVER', (text:gsub('\n', ' | ')))

  -- Completion after `lib.`.
  local completion = request('textDocument/completion', at(4, 4))
  local items = completion.items or completion
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  table.sort(labels)
  emit('COMPLETION', table.concat(labels, ','))

  -- Rename `double` to `twice` across both files, applied by Neovim.
  local params = at(4, 6)
  params.newName = 'twice'
  local edit = request('textDocument/rename', params)
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  emit('RENAMED_MAIN', vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1])
  local lib = vim.fn.bufnr(workspace .. '/lib.nix')
  emit('RENAMED_LIB', vim.api.nvim_buf_get_lines(lib, 2, 3, false)[1])

  -- A meaning-changing rename is refused with a message.
  local refused = at(1, 3)
  refused.newName = 'unused'
  local _, refusal = request('textDocument/rename', refused)
  emit('REFUSED', refusal and refusal.message or 'accepted')

  -- outPath inlay hints, drawn by the plugin as end-of-line virtual text.
  vim.cmd('edit ' .. workspace .. '/drv.nix')
  local drv = vim.api.nvim_get_current_buf()
  local hints = require('tvix.hints')
  local marks = {}
  assert(vim.wait(20000, function()
    marks = vim.api.nvim_buf_get_extmarks(drv, hints.namespace, 0, -1, { details = true })
    return #marks > 0
  end, 50), 'no inlay hints were drawn')
  for _, mark in ipairs(marks) do
    emit('HINT', string.format('%d %s', mark[2], mark[4].virt_text[1][1]))
  end
end)

if not ok then
  emit('ERROR', tostring(err))
end
out:close()
vim.cmd('qa!')
