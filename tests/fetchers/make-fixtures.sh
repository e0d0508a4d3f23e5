#!/usr/bin/env bash
# Creates the fetcher fixtures in DIR (which must not exist), byte for byte
# the same on every machine: files, tarballs in four formats, and git
# repositories with fixed authors and dates (so commit hashes are fixed).
# Used by gen-golden.sh (with C++ Nix) and by tests/fetchers.rs (without).
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"

export GIT_AUTHOR_NAME=tvix GIT_AUTHOR_EMAIL=tvix@example.invalid
export GIT_COMMITTER_NAME=tvix GIT_COMMITTER_EMAIL=tvix@example.invalid
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_DATE='2021-03-04T05:06:07Z' GIT_COMMITTER_DATE='2021-03-04T05:06:07Z'
export TZ=UTC
stamp='2020-01-02 03:04:05 UTC'

printf 'hello\n' > hello.txt
: > empty.txt
printf '\x00\x01\xff binary\n' > blob.bin
printf 'plus\n' > 'a+b=c.txt'

mkdir -p src/pkg/sub src/pkg/émoji
printf 'a\n' > src/pkg/a
printf '#!/bin/sh\necho b\n' > src/pkg/sub/b
chmod 755 src/pkg/sub/b
chmod 644 src/pkg/a
: > src/pkg/empty
printf 'é\n' > src/pkg/émoji/f
ln -s a src/pkg/link
ln -s sub src/pkg/dirlink
mkdir -p src/two/x src/two/y
printf '1\n' > src/two/x/f
printf '2\n' > src/two/y/f
printf 'single\n' > src/single
find src -exec touch -h -d "$stamp" {} +

tarit() { tar -C src --sort=name --owner=0 --group=0 --numeric-owner --mtime="$stamp" -cf - "$@"; }
tarit pkg > pkg.tar
tarit pkg | gzip -n -9 > pkg.tar.gz
tarit pkg | xz -9 > pkg.tar.xz
tarit pkg | bzip2 -9 > pkg.tar.bz2
tarit pkg | gzip -n > pkg.tgz
(cd src/two && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$stamp" -czf ../../two.tar.gz x y)
tarit single | gzip -n > single.tar.gz
printf 'not a tarball\n' > garbage.tar.gz

# Zip archives (libarchive unpacks them for C++ Nix): modes and symbolic
# links kept in the Unix attributes, a fixed date, sorted entries.
zipit() {
  python3 - "$@" <<'PY'
import os, stat, sys, zipfile
out, root, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    def add(rel):
        full = os.path.join(root, rel)
        st = os.lstat(full)
        info = zipfile.ZipInfo(rel + ("/" if stat.S_ISDIR(st.st_mode) else ""), (2020, 1, 2, 3, 4, 4))
        info.external_attr = (st.st_mode & 0xFFFF) << 16
        info.create_system = 3
        if stat.S_ISLNK(st.st_mode):
            z.writestr(info, os.readlink(full))
        elif stat.S_ISDIR(st.st_mode):
            z.writestr(info, b"")
            for child in sorted(os.listdir(full)):
                add(os.path.join(rel, child))
        else:
            with open(full, "rb") as f:
                z.writestr(info, f.read())
    for name in names:
        add(name)
PY
}
# Without the non-ASCII name, which libarchive refuses outside a UTF-8
# locale.
cp -a src/pkg src/zpkg && rm -rf src/zpkg/émoji
find src/zpkg -exec touch -h -d "$stamp" {} +
zipit pkg.zip src zpkg
tarit zpkg | gzip -n > zpkg.tar.gz
zipit two.zip src/two x y

git init -q -b main repo
(
  cd repo
  printf 'one\n' > f
  mkdir d
  printf 'x\n' > d/x
  chmod 755 d/x
  ln -s f link
  git add .
  git commit -q -m one
  git tag v1
  GIT_COMMITTER_DATE='2021-03-05T05:06:07Z' git commit -q --allow-empty -m two
  git checkout -q -b feature
  printf 'feature\n' > g
  git add g
  GIT_COMMITTER_DATE='2021-03-06T05:06:07Z' git commit -q -m feature
  git checkout -q main
)

# The same history with uncommitted changes: a modified tracked file and
# an untracked one (C++ Nix takes tracked files as they are on disk).
git clone -q repo dirty
(
  cd dirty
  printf 'changed\n' >> f
  printf 'untracked\n' > untracked
)

# No commits at all: dirty, lastModified 0.
git init -q -b main empty-repo
(cd empty-repo && printf 'e\n' > e && git add e)

# A superproject with the first repository as a submodule (relative URL).
git init -q -b main sup
(
  cd sup
  printf 'top\n' > t
  git -c protocol.file.allow=always submodule -q add ../repo sub
  git commit -q -m sup
)

# fetchTree { type = "path"; } reports the path's mtime.
touch -h -d "$stamp" src
