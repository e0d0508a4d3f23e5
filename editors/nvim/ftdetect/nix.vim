" Nix files (older runtimes may not know them).
autocmd BufRead,BufNewFile *.nix setfiletype nix
