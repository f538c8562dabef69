#!/usr/bin/env bash
# Coverage-guided fuzzing of Interlock's input-facing components with AFL++ and SharpFuzz (not part of dotnet test).
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 300 seconds, every target, one after another
#   FUZZ_REUSE_BUILD=1 tools/fuzz.sh ...                  skip the publish and instrumentation (fuzz/out from a run before)
#
# Targets are listed by `dotnet fuzz/out/plain/Interlock.Fuzz.dll list` (fuzz/Interlock.Fuzz/FuzzTargets.cs).
# Everything goes to fuzz/out/ (ignored by git): out/bin is the instrumented build, out/plain the same build
# uninstrumented (for replaying findings), out/<target>/findings is afl-fuzz's output directory (queue/, crashes/,
# hangs/, fuzzer_stats). A summary line per target is printed at the end; crashes and hangs are replayed on the plain
# build so their exception is shown. Exit status 1 when any target has a crash or a hang.
#
# Needs: afl-fuzz (Debian: apt-get install -y afl++; installed here when running as root) and the SharpFuzz
# instrumenter (the SharpFuzz.CommandLine dotnet tool, installed into fuzz/.tools on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
timeout_ms="${FUZZ_TIMEOUT_MS:-2000}"   # an input taking longer is a hang (the time bound every input must meet)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq afl++ >/dev/null; else echo "afl-fuzz not found: install AFL++ (apt-get install afl++)" >&2; exit 2; fi
fi
sharpfuzz=fuzz/.tools/sharpfuzz
if [ ! -x "$sharpfuzz" ]; then
  dotnet tool install --tool-path fuzz/.tools SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

if [ "${FUZZ_REUSE_BUILD:-0}" = 1 ] && [ -d fuzz/out/bin ] && [ -d fuzz/out/plain ]; then
  echo "== reusing the build in fuzz/out (FUZZ_REUSE_BUILD=1)"
else
  echo "== build"
  rm -rf fuzz/out/bin fuzz/out/plain
  dotnet publish fuzz/Interlock.Fuzz -c Release -o fuzz/out/bin -p:PublishAot=false >/dev/null
  cp -r fuzz/out/bin fuzz/out/plain
  for dll in Interlock.Core.dll Interlock.Policy.dll interlock.dll; do "$sharpfuzz" "fuzz/out/bin/$dll" >/dev/null; done
fi

if [ "$#" -eq 0 ]; then
  mapfile -t targets < <(dotnet fuzz/out/plain/Interlock.Fuzz.dll list | awk '{print $1}')
else
  targets=("$@")
fi

# afl-fuzz runs `dotnet`, which is not an AFL-instrumented binary: SharpFuzz speaks the fork-server protocol itself.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_FORKSRV_INIT_TMOUT=60000
status=0
summary=()
for t in "${targets[@]}"; do
  dir="fuzz/out/$t"
  rm -rf "$dir"
  dotnet fuzz/out/plain/Interlock.Fuzz.dll seeds "$t" "$dir/seeds" >/dev/null
  echo "== $t: ${seconds}s"
  # On a loaded machine afl-fuzz's dry run occasionally reports "No instrumentation detected" for the first seed
  # (seen once in five runs); a second start has always worked.
  ok=0
  for attempt in 1 2; do
    rm -rf "$dir/findings"
    if afl-fuzz -i "$dir/seeds" -o "$dir/findings" -t "$timeout_ms" -m none -V "$seconds" \
      -- dotnet fuzz/out/bin/Interlock.Fuzz.dll afl "$t" >"$dir/afl.log" 2>&1; then ok=1; break; fi
  done
  if [ "$ok" -ne 1 ]; then echo "afl-fuzz failed for $t; see $dir/afl.log"; tail -n 20 "$dir/afl.log"; status=1; continue; fi
  stats="$dir/findings/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  summary+=("$(printf '%-18s %6ss  execs %-9s %8s/s  corpus %-5s  edges %-12s crashes %s  hangs %s' "$t" "$(get run_time)" "$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" "$(get edges_found)/$(get total_edges)" "$crashes" "$hangs")")
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    status=1
    dotnet fuzz/out/plain/Interlock.Fuzz.dll replay "$t" "$dir/findings/default/crashes" "$dir/findings/default/hangs" --bound-ms "$timeout_ms" || true
  fi
done
echo "== summary (seconds, executions, executions/s, corpus entries, edges, crashes, hangs)"
printf '%s\n' "${summary[@]}"
exit "$status"
