#!/usr/bin/env bash
# Release archives, one per platform, from one script:
#   packaging/release.sh [-o DIR] [RID...]     (DIR default: artifacts/release; RID default: this machine's)
# Each archive, interlock-<version>-<rid>.tar.gz (.zip for win-x64), holds
#   bin/interlock, bin/interlock-hook, bin/interlock-server, bin/libe_sqlite3.so (Native AOT; no .pdb/.dbg)
#   completions/interlock.bash, completions/_interlock (zsh), completions/interlock.fish
#   man/man1/interlock.1, LICENSE, README.md, SHA256SUMS (of the files inside)
# and DIR/SHA256SUMS lists the archives. Completions and the man page are generated from the command table by the
# binary itself (`interlock completions <shell>`, `interlock man`), so they match its commands.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=common.sh
source packaging/common.sh
parse_args release.sh artifacts/release "$@"
sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
generator=""   # an interlock that runs here, for the completions and the man page
for rid in "${rids[@]}"; do
  name="interlock-$version-$rid"; stage="$work/$name"
  mkdir -p "$stage/bin" "$stage/completions" "$stage/man/man1"
  dotnet publish src/Interlock.Cli -c Release -r "$rid" -p:PublishServer=true -o "$stage/bin" -warnaserror -v:q -nologo
  if find "$stage/bin" \( -name '*.pdb' -o -name '*.dbg' -o -name '*.dSYM' \) | grep .; then echo "release.sh: debug files in $rid" >&2; exit 1; fi
  if [ -z "$generator" ] && "$stage/bin/interlock" --version >/dev/null 2>&1; then generator="$stage/bin/interlock"; fi
  gen=${generator:-}
  if [ -z "$gen" ]; then
    # Cross-built (not runnable here): the same command table, from a build for this machine.
    dotnet build src/Interlock.Cli -c Release -v:q -nologo >/dev/null
    gen="src/Interlock.Cli/bin/Release/net10.0/interlock"
  fi
  "$gen" completions bash > "$stage/completions/interlock.bash"
  "$gen" completions zsh > "$stage/completions/_interlock"
  "$gen" completions fish > "$stage/completions/interlock.fish"
  "$gen" man > "$stage/man/man1/interlock.1"
  cp LICENSE README.md "$stage/"
  (cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | while read -r f; do sha "$f"; done > SHA256SUMS)
  case "$rid" in
    win-*) (cd "$work" && rm -f "$out/$name.zip" && zip -qr "$out/$name.zip" "$name") ;;
    *) tar -C "$work" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name" ;;
  esac
done
(cd "$out" && sha interlock-"$version"-*.* > SHA256SUMS && cat SHA256SUMS)
