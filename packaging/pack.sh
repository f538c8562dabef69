#!/usr/bin/env bash
# The .NET tool packages: the pointer package `interlock` (lists the platforms) and `interlock.<rid>` for each RID
# given (default: this machine's), each with interlock, interlock-hook and interlock-server, Native AOT.
#   packaging/pack.sh [-o DIR] [RID...]        (DIR default: artifacts/packages)
# Native AOT links on the platform it targets: linux-x64 here; osx-* on a Mac, win-x64 on Windows, linux-arm64 on
# an arm64 Linux (docs/install.md, "Building the packages"). Then: dotnet nuget push DIR/*.nupkg
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=common.sh
source packaging/common.sh
parse_args pack.sh artifacts/packages "$@"
dotnet pack src/Interlock.Cli -c Release -o "$out" -warnaserror -v:q -nologo
for rid in "${rids[@]}"; do
  # The package is what the publish directory holds: start it empty, so nothing stale is packed.
  rm -rf "src/Interlock.Cli/bin/Release/net10.0/$rid/publish"
  dotnet pack src/Interlock.Cli -c Release -r "$rid" -o "$out" -warnaserror -v:q -nologo
  pkg="$out/interlock.$rid.$version.nupkg"
  # Shipped: the three programs and the SQLite library; never debug files.
  listing=$(unzip -Z1 "$pkg")
  if grep -E '\.(pdb|dbg)$|\.dSYM/' <<<"$listing"; then echo "pack.sh: $pkg contains debug files" >&2; exit 1; fi
  for f in interlock interlock-hook interlock-server; do
    ext=""; case "$rid" in win-*) ext=.exe;; esac
    grep -qE "^tools/[^/]+/$rid/$f$ext$" <<<"$listing" || { echo "pack.sh: $pkg lacks $f$ext" >&2; exit 1; }
  done
done
ls -la "$out"/interlock*."$version".nupkg
