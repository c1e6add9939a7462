#!/usr/bin/env bash
# Bundles the viewer of `p2g serve` into the job jar: OpenSeadragon (BSD-3-Clause, its
# LICENSE.txt kept beside it) from the npm registry, at a pinned version, npm checking the
# package's integrity. Its code is fetched at build time, never kept in this repository.
# Without npm (or the registry) the build goes on, warns, and the server's viewer page says so.
set -euo pipefail
version=6.1.1
dest="$1/dev/p2g/job/serve/viewer"
if [ -s "$dest/openseadragon.min.js" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "[WARNING] p2g: npm is not on the PATH: the serve viewer (OpenSeadragon) is not bundled" >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack "openseadragon@$version" --silent >/dev/null 2>"$work/npm.log"); then
  echo "[WARNING] p2g: npm could not fetch openseadragon@$version: the serve viewer is not bundled" >&2
  sed 's/^/[WARNING]   /' "$work/npm.log" >&2
  exit 0
fi
tar xzf "$work/openseadragon-$version.tgz" -C "$work"
mkdir -p "$dest/images"
cp "$work/package/build/openseadragon/openseadragon.min.js" "$work/package/LICENSE.txt" "$dest/"
cp "$work/package/build/openseadragon/images/"*.png "$dest/images/"
echo "$version" > "$dest/VERSION"
