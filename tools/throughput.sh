#!/usr/bin/env bash
# Server throughput with tools/loadgen (docs/performance.md, "Approval server"): a fresh store per run, a warm-up at
# the same connection count, then 10 s measured, one line per run.
#   tools/throughput.sh sqlite|pg RUNS [CONNECTIONS]
# Build first:  dotnet build src/Interlock.Server -c Release -o "$SRV"; dotnet build tools/loadgen -c Release -o "$LG"
# PostgreSQL: `source .ci/postgres.sh start` and export PGPORT (the port in $INTERLOCK_TEST_POSTGRES).
set -u
store=${1:?sqlite or pg}; runs=${2:-1}; conns=${3:-64}
S="${SRV:?set SRV to the server build directory}/interlock-server"; LGEN="${LG:?set LG to the loadgen build directory}/loadgen"
work=${WORK:-$HOME/.cache/interlock-throughput}
for r in $(seq "$runs"); do
  D="$work/data-$store-$r"; rm -rf "$D"; mkdir -p "$D"
  DB=()
  if [ "$store" = pg ]; then
    db="tp_$(date +%s%N | tail -c 9)"
    psql -h 127.0.0.1 -p "${PGPORT:?export PGPORT}" -U postgres -qc "CREATE DATABASE $db" postgres >/dev/null
    DB=(--database "Host=127.0.0.1;Port=$PGPORT;Database=$db;Username=postgres;Maximum Pool Size=100")
  fi
  "$S" admin --data-dir "$D" "${DB[@]}" user add olivia >/dev/null 2>&1
  T=$("$S" admin --data-dir "$D" "${DB[@]}" token agent load-bot --operator olivia 2>/dev/null)
  (cd / && exec "$S" serve --data-dir "$D" "${DB[@]}" --url http://127.0.0.1:18787 >/dev/null 2>&1) & PID=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:18787/health >/dev/null && break; sleep 0.1; done
  "$LGEN" --url http://127.0.0.1:18787 --token "$T" --connections "$conns" --seconds 12 > /dev/null
  load=$(cut -d' ' -f1 /proc/loadavg)
  out=$("$LGEN" --url http://127.0.0.1:18787 --token "$T" --connections "$conns" --seconds 10 --server-pid $PID 2>&1 | tr '\n' ' ')
  echo "$store conns=$conns load=$load :: $out"
  kill $PID; wait $PID 2>/dev/null
done
