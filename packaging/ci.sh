#!/usr/bin/env bash
# CI stage "the shipped tool" (issue 20): pack the .NET tool for this machine's RID into a local feed, install it
# from that feed alone into a tool path, and use it as a new user would: --version, check, a hook call, `serve`
# answering /health (and a production action needing two approvers through it), `install claude-code` into a
# scratch HOME and a hook call through exactly what was registered, `doctor` (whose probe is not recorded), the
# completions and the man page; and the release archive for this RID. The archive is built right after the packages
# (same HOME and package cache, so the native code compiled for the packages is reused, not compiled again).
#   packaging/ci.sh [WORKDIR]      prints "DIST: N passed, N failed" last
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${1:-$(mktemp -d)}; mkdir -p "$work"; work=$(cd "$work" && pwd)
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "  ok: $1"; }
bad() { failed=$((failed + 1)); echo "  FAILED: $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { echo "DIST: $passed passed, $failed failed"; exit $(( failed > 0 )); }
version=$(sed -n 's/.*Version = "\([^"]*\)".*/\1/p' src/Interlock.Runtime/BuildInfo.cs)
rid=linux-x64
feed="$work/feed"; toolpath="$work/tools"; state="$work/state"; home="$work/home"
rm -rf "$feed" "$toolpath" "$state" "$home"; mkdir -p "$state" "$home"

echo "-- pack (pointer package + $rid)"
if bash packaging/pack.sh -o "$feed" "$rid" >"$work/pack.log" 2>&1; then ok "pack: interlock $version and interlock.$rid, with interlock, interlock-hook, interlock-server, no .pdb/.dbg"
else tail -n 20 "$work/pack.log"; bad "pack"; finish; fi

echo "-- only the tool and Interlock.Guard are packable"
packable=$(for p in $(grep -o 'Path="[^"]*\.csproj"' Interlock.slnx | cut -d'"' -f2); do
  [ "$(dotnet msbuild "$p" -getProperty:IsPackable 2>/dev/null)" = "true" ] && basename "$p" .csproj; done | sort | tr '\n' ' ')
check "packable projects are Interlock.Cli (the tool) and Interlock.Guard: $packable" [ "$packable" = "Interlock.Cli Interlock.Guard " ]

echo "-- release archive ($rid)"
if bash packaging/release.sh -o "$work/release" "$rid" >"$work/release.log" 2>&1; then
  tgz="$work/release/interlock-$version-$rid.tar.gz"
  list=$(tar -tzf "$tgz")
  check "archive has the binaries, completions, man page, LICENSE and SHA256SUMS" sh -c "for f in bin/interlock bin/interlock-hook bin/interlock-server completions/interlock.bash completions/_interlock completions/interlock.fish man/man1/interlock.1 LICENSE SHA256SUMS; do grep -qx \"interlock-$version-$rid/\$f\" <<EOL || exit 1
$list
EOL
done"
  check "archive has no debug files" test -z "$(grep -E '\.(pdb|dbg)$' <<<"$list")"
  check "SHA256SUMS verifies the archive" sh -c "cd '$work/release' && sha256sum -c --quiet SHA256SUMS"
  mkdir -p "$work/unpacked" && tar -C "$work/unpacked" -xzf "$tgz"
  check "the files inside verify against their SHA256SUMS" sh -c "cd '$work/unpacked/interlock-$version-$rid' && sha256sum -c --quiet SHA256SUMS"
else tail -n 20 "$work/release.log"; bad "release.sh"; fi

echo "-- install from the local feed only"
cat > "$work/nuget.config" <<CFG
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$feed" /></packageSources></configuration>
CFG
# A package cache of its own: an interlock $version cached by an earlier run must not stand in for this one.
if NUGET_PACKAGES="$work/nuget-cache" dotnet tool install --tool-path "$toolpath" --configfile "$work/nuget.config" interlock --version "$version" >"$work/install.log" 2>&1; then
  ok "dotnet tool install --tool-path from the local feed"
else cat "$work/install.log"; bad "dotnet tool install"; finish; fi
il="$toolpath/interlock"
real=$(readlink -f "$il")
bindir=$(dirname "$(find "$toolpath/.store" -type f -name interlock-hook | head -1)")
check "the installed tool holds interlock, interlock-hook and interlock-server side by side ($bindir)" \
  test -x "$bindir/interlock" -a -x "$bindir/interlock-hook" -a -x "$bindir/interlock-server"
check "no debug files were installed" test -z "$(find "$toolpath/.store" -name '*.pdb' -o -name '*.dbg')"
check "interlock in the tool path is the native program (ELF, not a managed shim)" sh -c "head -c 4 '$real' | grep -q ELF"

export INTERLOCK_STATE_DIR="$state" INTERLOCK_DAEMON=off HOME="$home"
unset INTERLOCK_SERVER_URL INTERLOCK_AGENT_TOKEN INTERLOCK_TOKEN INTERLOCK_SERVER_DATABASE INTERLOCK_SERVER_BIN
check "--version prints interlock $version" test "$("$il" --version)" = "interlock $version"
"$il" check 'rm -rf ~' >/dev/null; st=$?; check "check 'rm -rf ~' denies (exit $st)" test "$st" -eq 2
"$il" check 'git status' >/dev/null; st=$?; check "check 'git status' allows (exit $st)" test "$st" -eq 0
ev='{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~"},"cwd":"/tmp"}'
out=$(printf '%s' "$ev" | "$il" hook claude-code)
check "hook claude-code denies rm -rf ~" grep -q '"permissionDecision":"deny"' <<<"$out"
out=$("$il" check 'rm -rf ~' 2>&1 | head -1)
check "no colour codes when output is not a terminal" test "$out" = "deny"

echo "-- serve, from the installed tool"
port=$((20000 + RANDOM % 20000)); url="http://127.0.0.1:$port"
"$il" serve --url "$url" >"$work/serve.log" 2>&1 &
serve_pid=$!
health=""
for _ in $(seq 150); do health=$(curl -fsS "$url/health" 2>/dev/null) && break; sleep 0.1; done
check "serve answers /health: $health" grep -q '"status":"ok"' <<<"$health"
"$il" admin user add olivia >/dev/null && "$il" admin user add ana --group prod-approvers >/dev/null && "$il" admin user add sam --group prod-approvers >/dev/null
token=$("$il" admin token agent ci-agent --operator olivia 2>/dev/null)
check "admin created two production approvers and an agent token" test -n "$token"
prod='{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform destroy -auto-approve"},"cwd":"/srv/infra/prod"}'
out=$(printf '%s' "$prod" | INTERLOCK_SERVER_URL="$url" INTERLOCK_AGENT_TOKEN="$token" "$il" hook claude-code 2>&1)
check "a production action through the server waits for 2 approvals" grep -q '2 approval' <<<"$out"
kill -TERM "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null

echo "-- install claude-code into a scratch HOME, then a hook call through what was registered"
mkdir -p "$home/.claude" "$work/project/.git"
(cd "$work/project" && "$il" install claude-code >"$work/install-cc.log" 2>&1); st=$?
check "install claude-code (exit $st)" test "$st" -eq 0
cmd=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["hooks"]["PreToolUse"][0]["hooks"][0]["command"])' "$home/.claude/settings.json" 2>/dev/null)
check "the registered hook runs the installed interlock-hook ($bindir/interlock-hook)" grep -qF "$bindir/interlock-hook" <<<"$cmd"
out=$(printf '%s' "$ev" | sh -c "$cmd")
check "the registered command denies rm -rf ~" grep -q '"permissionDecision":"deny"' <<<"$out"
out=$(printf '%s' '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"},"cwd":"/tmp"}' | sh -c "$cmd")
check "the registered command lets git status through" test -z "$(grep -o '"permissionDecision":"[a-z]*"' <<<"$out" | grep -v allow)"
before=$("$il" audit verify 2>&1 | grep -o 'intact: [0-9]* record' )
(cd "$work/project" && "$il" doctor >"$work/doctor.log" 2>&1); st=$?
check "doctor finds nothing wrong (exit $st)" test "$st" -eq 0
after=$("$il" audit verify 2>&1 | grep -o 'intact: [0-9]* record')
check "doctor's probe is not recorded in the audit trail ($before -> $after)" test -n "$before" -a "$before" = "$after"

echo "-- completions and man page from the command table"
check "bash completion offers install's harnesses" bash -c "source <('$il' completions bash); COMP_WORDS=(interlock install cl); COMP_CWORD=2; _interlock; [[ \" \${COMPREPLY[*]} \" == *' claude-code '* ]]"
check "bash completion offers every command" bash -c "source <('$il' completions bash); COMP_WORDS=(interlock ''); COMP_CWORD=1; _interlock; for c in hook install doctor serve admin check completions man; do [[ \" \${COMPREPLY[*]} \" == *\" \$c \"* ]] || exit 1; done"
if command -v zsh >/dev/null; then check "zsh completion parses" zsh -n <("$il" completions zsh); fi
if command -v fish >/dev/null; then check "fish completion parses" fish -n <("$il" completions fish); fi
"$il" man >"$work/interlock.1"
check "man page has every command" sh -c "for c in hook install doctor serve admin check completions; do grep -q \"^\\\\\\\\fBinterlock \$c\" '$work/interlock.1' || exit 1; done"
if command -v groff >/dev/null; then check "man page renders without warnings" sh -c "groff -man -Tutf8 -ww '$work/interlock.1' 2>&1 >/dev/null | grep -q . && exit 1 || exit 0"; fi

finish
