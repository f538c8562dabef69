#!/usr/bin/env bash
# The installed tool's hook against the published binary's, side by side (issue 20; docs/performance.md).
#   packaging/bench-installed.sh TOOL_BIN_DIR PUBLISHED_DIR [RUNS]
# TOOL_BIN_DIR: where `dotnet tool install` put interlock-hook (…/.store/interlock/<v>/interlock.<rid>/<v>/tools/any/<rid>);
# PUBLISHED_DIR: a `dotnet publish src/Interlock.Cli -c Release -r <rid> -o DIR`. Each row runs what a harness runs:
# interlock-hook with one Claude Code event on stdin, with its daemon (the default after the first call) and
# in-process (INTERLOCK_DAEMON=off). Rounds alternate the two so load on the machine falls on both alike.
set -euo pipefail
tool=$1; pub=$2; runs=${3:-300}; rounds=${4:-3}
work=$(mktemp -d); trap 'rm -f "$work"/state-*/hookd-*.sock; rm -rf "$work"' EXIT
ev="$work/ev.json"
printf '%s' '{"session_id":"s","cwd":"'"$PWD"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status && npm test"}}' > "$ev"
for side in tool pub; do mkdir -p "$work/state-$side"; done
row() { # name dir daemon-mode
  # Shell mode (hyperfine has no --input): it subtracts the shell's own start, measured at its calibration.
  INTERLOCK_STATE_DIR="$work/state-$1" INTERLOCK_DAEMON=$3 hyperfine --style none --warmup 20 --runs "$runs" \
    --export-json "$work/$1-$3-$4.json" "$2/interlock-hook hook claude-code < $ev" >/dev/null 2>&1
  python3 -c 'import json,sys,statistics as s; r=json.load(open(sys.argv[1]))["results"][0]["times"]; print("%.2f" % (s.median(r)*1000))' "$work/$1-$3-$4.json"
}
printf '%-10s %-9s %s\n' mode round "median ms: installed tool / published (ratio)"
for mode in auto off; do
  ratios=""
  for round in $(seq "$rounds"); do
    a=$(row tool "$tool" $mode $round); b=$(row pub "$pub" $mode $round)
    r=$(python3 -c "print('%.2f' % ($a/$b))"); ratios="$ratios $r"
    printf '%-10s %-9s %s / %s (%sx)\n' "$mode" "$round" "$a" "$b" "$r"
  done
  printf '%-10s %-9s %s\n' "$mode" median "$(python3 -c "import statistics,sys; print('%.2fx' % statistics.median(map(float, sys.argv[1:])))" $ratios)"
done
