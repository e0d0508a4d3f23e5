-- Makes `:TvixLspStart` available; `require('tvix').setup()` does the rest.
vim.api.nvim_create_user_command('TvixLspStart', function()
  require('tvix').attach(vim.api.nvim_get_current_buf())
end, { desc = 'Start tvix lsp for this buffer' })
