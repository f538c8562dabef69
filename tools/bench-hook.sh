#!/usr/bin/env bash
# Process-level timings of the hook, as an agent's harness runs it (not part of dotnet test).
#
#   tools/bench-hook.sh [RUNS]      default 300 runs per row
#
# Publishes the native binaries (interlock and interlock-hook) to /tmp/interlock-bench/bin, makes a scratch git
# repository and state directory, and times with hyperfine:
#   - the process floor (/bin/true) and start-up alone (`interlock --version`; `interlock-hook --version` is
#     interlock-hook starting and then executing interlock);
#   - one `interlock hook claude-code` call per event (a safe command and a denied one) deciding in-process
#     (INTERLOCK_DAEMON=off);
#   - the same as installed by default: the first call starts a daemon in the background and the rest are served
#     by it, through `interlock hook` and through interlock-hook (what `interlock install` registers).
# Every hook call writes its audit record. Prints hyperfine's summary, a table of median, min and p90 per row, and
# the machine's load average before and after: timings on a loaded machine are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-300}"
command -v hyperfine >/dev/null || { echo "hyperfine not found (Debian: apt-get install hyperfine)" >&2; exit 2; }
work=/tmp/interlock-bench
rm -rf "$work" && mkdir -p "$work/repo" "$work/state"
dotnet publish src/Interlock.Cli -c Release -r linux-x64 -o "$work/bin" -v quiet -nologo >/dev/null
git -C "$work/repo" init -q
export INTERLOCK_STATE_DIR="$work/state" INTERLOCK_CONFIG_DIR="$work/no-config" INTERLOCK_SYSTEM_CONFIG_DIR="$work/no-config"
il="$work/bin/interlock"
event() { printf '{"session_id":"bench","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"%s"}}' "$work/repo" "$1"; }
event 'git status && npm test' > "$work/safe.json"
event 'sudo bash -c \"cd / && rm -rf *\"' > "$work/deny.json"
uptime
hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/start.json" /bin/true "$il --version" "$il-hook --version"
INTERLOCK_DAEMON=off hyperfine --warmup 20 --runs "$runs" --export-json "$work/in-process.json" \
  -n 'hook, safe event, in-process' "$il hook claude-code < $work/safe.json" \
  -n 'hook, nested deny, in-process' "$il hook claude-code < $work/deny.json"
trap 'rm -f "$work"/state/hookd-*.sock' EXIT # the daemon leaves when its socket is gone
"$il" hook claude-code < "$work/safe.json" # decided in-process; starts the daemon
for _ in $(seq 100); do grep -qs "serving hook calls" "$work"/state/hookd-*.log && break; sleep 0.1; done
hyperfine --warmup 20 --runs "$runs" --export-json "$work/daemon.json" \
  -n 'interlock hook, safe event, with the daemon' "$il hook claude-code < $work/safe.json" \
  -n 'interlock hook, nested deny, with the daemon' "$il hook claude-code < $work/deny.json" \
  -n 'interlock-hook hook, safe event, with the daemon' "$il-hook hook claude-code < $work/safe.json" \
  -n 'interlock-hook hook, nested deny, with the daemon' "$il-hook hook claude-code < $work/deny.json"
"$il" audit verify
uptime
python3 - "$work"/start.json "$work"/in-process.json "$work"/daemon.json <<'PY'
import json, statistics, sys
print("| what | median | min | p90 |")
print("|---|---|---|---|")
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        t = sorted(r["times"])
        print(f"| {r['command']} | {statistics.median(t)*1000:.1f} ms | {t[0]*1000:.1f} ms | {t[int(len(t)*0.9)]*1000:.1f} ms |")
PY
