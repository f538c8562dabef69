#!/usr/bin/env bash
# Enforced mode, end to end, as root (issue 17): real OS users, `interlock install --system`, the decision daemon
# running as the `interlock` system user, and every attack of a same-uid agent tried as the `agent` user, both
# through the hook and directly. Each check fails if the attack works or anything changed.
# Usage: tests/enforced/run.sh <dir with the published interlock, interlock-hook, libe_sqlite3.so>
# Last line: "ENFORCED: N passed, N failed". Changes this machine (users, /etc, /usr/local): run it in CI or a VM.
set -uo pipefail
aot="$(cd "${1:?usage: run.sh <published-dir>}" && pwd)"
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "  ok: $1"; }
bad() { failed=$((failed + 1)); echo "  FAILED: $1"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

if [ "$(id -u)" -ne 0 ]; then
  echo "enforced: needs root (it creates users and writes /etc); not run"
  if [ "${CI:-}" = true ]; then echo "ENFORCED: 0 passed, 1 failed"; else echo "ENFORCED: 0 passed, 0 failed"; fi
  exit 0
fi

lib=/usr/local/lib/interlock
daemon_log=/var/log/interlock-enforced-test.log
cleanup() { [ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

echo "== set-up: users agent and ana (an approver), a project each"
for u in agent ana; do id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"; done
for u in agent ana; do
  h=$(getent passwd "$u" | cut -d: -f6)
  runuser -u "$u" -- bash -c "rm -rf '$h/proj' '$h/.local/state/interlock' && mkdir -p '$h/proj' && cd '$h/proj' && git init -q && echo hi > a.txt && git add a.txt && git -c user.email=a@b -c user.name=n commit -qm init"
done
agent_home=$(getent passwd agent | cut -d: -f6)
ana_home=$(getent passwd ana | cut -d: -f6)

echo "== install --system"
pkill -f "interlock daemon --system" 2>/dev/null; sleep 0.3
rm -rf /var/lib/interlock
out=$("$aot/interlock" install --system --no-start 2>&1); st=$?
echo "$out" | sed 's/^/    /'
check "install --system exits 0" test "$st" -eq 0
usermod -aG interlock-approvers ana
check "binaries are root's and not writable by others" bash -c "[ \"\$(stat -c %U:%a $lib/interlock-hook)\" = root:755 ]"
check "the state directory is the daemon user's, mode 0700" bash -c "[ \"\$(stat -c %U:%a /var/lib/interlock)\" = interlock:700 ]"
check "managed Claude Code settings hold the hook, managed-only, fail closed" python3 - <<'EOF'
import json; s=json.load(open('/etc/claude-code/managed-settings.json'))
h=s['hooks']['PreToolUse'][0]['hooks'][0]
assert '/usr/local/lib/interlock/interlock-hook' in h['command'] and h.get('onFailure')=='block', h
assert s['allowManagedHooksOnly'] is True and s['permissions']['disableBypassPermissionsMode']=='disable'
EOF
check "managed Codex requirements: managed hooks only, hooks pinned on, the hook" python3 - <<'EOF'
import tomllib; r=tomllib.load(open('/etc/codex/requirements.toml','rb'))
assert r['allow_managed_hooks_only'] is True and r['features']['hooks'] is True, r
assert 'interlock-hook' in r['hooks']['PreToolUse'][0]['hooks'][0]['command'], r
EOF
check "managed Gemini, Cursor (failClosed), Copilot policy and OpenCode plugin files" python3 - <<'EOF'
import json, os
g=json.load(open('/etc/gemini-cli/settings.json')); assert 'hook gemini' in g['hooks']['BeforeTool'][0]['hooks'][0]['command'] and g['hooksConfig']['enabled'] is True
c=json.load(open('/etc/cursor/hooks.json')); assert all(e['failClosed'] is True for ev in c['hooks'].values() for e in ev), c
p=json.load(open('/etc/github-copilot/policy.d/interlock.json')); assert 'hook copilot' in p['hooks']['preToolUse'][0]['bash']
o=json.load(open('/etc/opencode/opencode.json')); assert 'file:///usr/local/lib/interlock/opencode-plugin.js' in o['plugin']
assert 'interlock-hook' in open('/usr/local/lib/interlock/opencode-plugin.js').read()
EOF
managed_files="/etc/claude-code/managed-settings.json /etc/codex/requirements.toml /etc/gemini-cli/settings.json /etc/cursor/hooks.json /etc/github-copilot/policy.d/interlock.json /etc/opencode/opencode.json $lib/opencode-plugin.js /etc/gemini-cli/policies/interlock.toml"
gemini_cmd=$(python3 -c "import json;print(json.load(open('/etc/gemini-cli/settings.json'))['hooks']['BeforeTool'][0]['hooks'][0]['command'])")
codex_cmd=$(python3 -c "import tomllib;print(tomllib.load(open('/etc/codex/requirements.toml','rb'))['hooks']['PreToolUse'][0]['hooks'][0]['command'])")
hook_cmd=$(python3 -c "import json;print(json.load(open('/etc/claude-code/managed-settings.json'))['hooks']['PreToolUse'][0]['hooks'][0]['command'])")
policy_sum=$(sha256sum /etc/interlock/policy.yaml /etc/interlock/enforced.conf $managed_files $lib/interlock $lib/interlock-hook)

echo "== the decision daemon, as the interlock user (foreground, as in a container)"
setpriv --reuid=interlock --regid=interlock --init-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search \
  $lib/interlock daemon --system --verbose >"$daemon_log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do grep -qs "serving hook calls" "$daemon_log" && break; sleep 0.1; done
check "the daemon serves" grep -qs "serving hook calls" "$daemon_log"

# As the agent: a clean environment like a harness's, in the agent's project.
as() { local u="$1"; shift; local h; h=$(getent passwd "$u" | cut -d: -f6); runuser -u "$u" -- env -i HOME="$h" USER="$u" PATH=/usr/local/bin:/usr/bin:/bin "$@"; }
claude_event() { printf '{"session_id":"s1","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":%s}}' "$1" "$(python3 -c 'import json,sys;print(json.dumps(sys.argv[1]))' "$2")"; }
codex_event() { printf '{"session_id":"s2","cwd":"%s","hook_event_name":"PreToolUse","model":"m","permission_mode":"default","tool_name":"Bash","tool_input":{"command":%s}}' "$1" "$(python3 -c 'import json,sys;print(json.dumps(sys.argv[1]))' "$2")"; }
hook_as() { local u="$1" ev="$2"; shift 2; printf '%s' "$ev" | as "$u" "$@" /bin/sh -c "cd \"\$HOME/proj\" && $hook_cmd"; }
# Codex cannot ask its user, so an ask becomes a pending request: its events go to `interlock-hook hook codex`.
codex_as() { printf '%s' "$(codex_event "$(getent passwd "$1" | cut -d: -f6)/proj" "$2")" | as "$1" /bin/sh -c "cd \"\$HOME/proj\" && $lib/interlock-hook hook codex"; }
audit_last() { runuser -u interlock -- env INTERLOCK_STATE_DIR=/var/lib/interlock $lib/interlock audit export --jsonl 2>&1 | tail -n "$1"; }

out=$(as agent $lib/interlock doctor 2>&1)
check "doctor (as the agent) sees enforced mode and the daemon answering" grep -q "daemon:  interlock .* answering on /run/interlock/decide.sock" <<<"$out"

echo "== hook calls through the registered command"
out=$(hook_as agent "$(claude_event "$agent_home/proj" 'rm -rf ~')")
check "rm -rf ~ is denied" grep -q '"permissionDecision":"deny"' <<<"$out"
out=$(hook_as agent "$(claude_event "$agent_home/proj" 'git status')"); st=$?
check "git status passes (exit 0, no objection)" bash -c "[ $st -eq 0 ] && ! grep -q deny <<<'$out'"
out=$(audit_last 2)
check "the audit record names the caller by uid" grep -q "caller: uid $(id -u agent) (agent)" <<<"$out"

gemini_event='{"session_id":"g1","cwd":"'"$agent_home"'/proj","hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"rm -rf ~"}}'
out=$(printf '%s' "$gemini_event" | as agent /bin/sh -c "cd \$HOME/proj && $gemini_cmd")
check "the command in Gemini's managed settings is answered by the daemon (deny)" grep -q '"decision":"deny"' <<<"$out"
out=$(printf '%s' "$(codex_event "$agent_home/proj" 'rm -rf ~')" | as agent /bin/sh -c "cd \$HOME/proj && $codex_cmd")
check "the command in Codex's requirements is answered by the daemon (deny)" grep -q '"permissionDecision":"deny"' <<<"$out"

echo "== attack: have the daemon read a file the agent cannot (its content must not come back in a message)"
printf 'DELETE FROM payroll_secret_7f3a;\n' > /root/interlock-secret.sql; chmod 600 /root/interlock-secret.sql
out=$(hook_as agent "$(claude_event "$agent_home/proj" 'psql -f /root/interlock-secret.sql')" 2>&1)
check "psql -f <a file only root can read> is not allowed silently" grep -qE '"permissionDecision":"(ask|deny)"' <<<"$out"
check "...and nothing of the file's content is in the answer" bash -c "! grep -q payroll_secret <<<\"\$0\"" "$out"
rm -f /root/interlock-secret.sql

echo "== attack: relocate or loosen the guard through the environment"
out=$(printf '%s' "$(claude_event "$agent_home/proj" 'rm -rf ~')" | as agent INTERLOCK_STATE_DIR="$agent_home/fake-state" INTERLOCK_CONFIG_DIR="$agent_home/cfg" INTERLOCK_SYSTEM_CONFIG_DIR="$agent_home/cfg" XDG_CONFIG_HOME="$agent_home/cfg" INTERLOCK_DAEMON=off HOME="$agent_home/elsewhere" /bin/sh -c "cd $agent_home/proj && $hook_cmd")
check "still denied with INTERLOCK_* / XDG / HOME pointing elsewhere" grep -q '"permissionDecision":"deny"' <<<"$out"
check "no state was written where the agent pointed" test ! -e "$agent_home/fake-state"
out=$(audit_last 1)
check "the attempt is recorded (ignored variables named)" grep -q "ignored, as enforced mode does: .*INTERLOCK_STATE_DIR=$agent_home/fake-state" <<<"$out"

echo "== attack: approve the agent's own request"
out=$(codex_as agent 'git reset --hard' 2>&1)
id=$(grep -oE 'interlock approve [a-z0-9]+' <<<"$out" | head -1 | awk '{print $3}')
check "git reset --hard from Codex becomes a pending request" test -n "$id"
out=$(as agent /bin/sh -c "cd \$HOME && cp $lib/interlock ./x && ./x approve $id" 2>&1); st=$?
check "a copied binary cannot approve it (refused by the daemon)" bash -c "[ $st -ne 0 ] && grep -q 'refused' <<<\"\$0\"" "$out"
out=$(as agent $lib/interlock approve "$id" 2>&1); st=$?
check "the installed binary cannot either" bash -c "[ $st -ne 0 ]"
out=$(as agent $lib/interlock breaker reset --session s2 --harness codex 2>&1); st=$?
check "the agent cannot reset a breaker" bash -c "[ $st -eq 77 ]"
out=$(as agent /bin/sh -c "python3 -c \"import sqlite3; c=sqlite3.connect('/var/lib/interlock/interlock.db'); c.execute('update approval_requests set status=1'); c.commit()\"" 2>&1); st=$?
check "python3 sqlite3 cannot open the state database" bash -c "[ $st -ne 0 ]"
out=$(as agent ls /var/lib/interlock 2>&1); st=$?
check "the agent cannot even list the state directory" bash -c "[ $st -ne 0 ]"
out=$(codex_as agent 'git reset --hard' 2>&1)
check "the retry is still stopped (nothing was approved)" grep -q 'approve' <<<"$out"

echo "== an approver's own agent: the two-person rule"
out=$(codex_as ana 'git reset --hard' 2>&1)
id2=$(grep -oE 'interlock approve [a-z0-9]+' <<<"$out" | head -1 | awk '{print $3}')
out=$(as ana $lib/interlock approve "$id2" 2>&1); st=$?
check "ana cannot approve her own agent's request" bash -c "[ $st -ne 0 ] && grep -q 'operates the agent' <<<\"\$0\"" "$out"
out=$(as ana $lib/interlock approve "$id" 2>&1); st=$?
check "ana (an approver) approves the agent's request" bash -c "[ $st -eq 0 ]"
out=$(codex_as agent 'git reset --hard' 2>&1); st=$?
check "the agent's identical retry is allowed once" bash -c "[ $st -eq 0 ] && ! grep -q deny <<<\"\$0\"" "$out"
out=$($lib/interlock approve "$id2" 2>&1); st=$?
check "root approves ana's request" bash -c "[ $st -eq 0 ]"

echo "== attack: edit, remove or replace what the guard trusts"
for f in $managed_files; do as agent /bin/sh -c "echo '{}' > $f" 2>/dev/null; done
as agent /bin/sh -c "rm -f /etc/interlock/enforced.conf; echo 'version: 1' > /etc/interlock/policy.yaml" 2>/dev/null
as agent /bin/sh -c "cp /bin/true $lib/interlock-hook; ln -sf /bin/true $lib/interlock" 2>/dev/null
check "policy, mode switch, every managed settings file and the binaries are unchanged" bash -c "[ \"\$(sha256sum /etc/interlock/policy.yaml /etc/interlock/enforced.conf $managed_files $lib/interlock $lib/interlock-hook)\" = \"\$0\" ]" "$policy_sum"

echo "== a caller without an account is stopped and recorded"
out=$(printf '%s' "$(claude_event / 'ls')" | setpriv --reuid=54321 --regid=54321 --clear-groups /bin/sh -c "cd / && $hook_cmd" 2>&1); st=$?
check "uid 54321 (no passwd entry) is stopped" bash -c "[ $st -eq 2 ] || grep -q deny <<<\"\$0\"" "$out"
out=$(audit_last 1)
check "...and recorded" grep -q "uid 54321" <<<"$out"

echo "== undo: the daemon keeps the copies where the agent cannot reach them; a human restores"
as agent /bin/sh -c 'cd ~/proj && printf "my notes\nline 2\n" > notes.txt'
out=$(hook_as agent "$(claude_event "$agent_home/proj" 'rm notes.txt')"); st=$?
as agent /bin/sh -c 'cd ~/proj && rm notes.txt'
event=$($lib/interlock history 2>&1 | awk '$NF == "notes.txt" && $(NF-1) == "rm" {print $1; exit}')
check "rm notes.txt was kept for undo (root sees it in the history)" test -n "$event"
out=$(as agent $lib/interlock undo "$event" 2>&1); st=$?
check "the agent cannot take the stored copy (undo is root's in enforced mode)" bash -c "[ $st -eq 77 ]"
out=$(as agent $lib/interlock history 2>&1); st=$?
check "the agent cannot list the history" bash -c "[ $st -eq 77 ]"
out=$($lib/interlock undo "$event" 2>&1); st=$?
check "root's undo restores the file, content and owner" bash -c "[ $st -eq 0 ] && [ \"\$(cat $agent_home/proj/notes.txt)\" = \"\$(printf 'my notes\nline 2')\" ] && [ \"\$(stat -c %U $agent_home/proj/notes.txt)\" = agent ]"

echo "== the real clients, run by the agent user, stopped by the managed hooks alone"
# The pinned clients the e2e suite installed from npm (tests/e2e/run.sh runs first in CI), hard-linked into a
# directory the agent user can read. The agent has no hook of its own; Claude Code's user settings even try to
# switch hooks off and allow everything.
npm_src="${INTERLOCK_E2E_CACHE:-$HOME/.cache/interlock-e2e}/npm"
npm_dir=/opt/interlock-enforced-npm
here="$(cd "$(dirname "$0")" && pwd)"
real_client() { # $1 harness, $2 command the scripted model runs; the client's output in $w/client.log
  local h="$1" call
  w="$agent_home/e2e"; rm -rf "$w"; mkdir -p "$w"; chown agent "$w"
  case "$h" in
    claude-code) call='{"name":"Bash","input":{"command":CMD,"description":"step"}}';;
    codex) call='{"name":"exec_command","input":{"cmd":CMD}}';;
    gemini) call='{"name":"run_shell_command","input":{"command":CMD}}';;
    copilot) call='{"name":"bash","input":{"command":CMD,"description":"step","mode":"sync"}}';;
    opencode) call='{"name":"bash","input":{"command":CMD,"description":"step"}}';;
  esac
  python3 -c 'import json,sys;print("{\"calls\":["+sys.argv[2].replace("CMD",json.dumps(sys.argv[1]))+"]}")' "$2" "$call" > "$w/script.json"
  : > "$w/requests.jsonl"; chmod 666 "$w/requests.jsonl"
  node "$here/../e2e/model-server.mjs" "$w/script.json" "$w/requests.jsonl" > "$w/port" 2>"$w/server.err" & local server=$!
  for _ in $(seq 50); do grep -qs PORT "$w/port" && break; sleep 0.1; done
  local port; port=$(awk '/PORT/{print $2}' "$w/port")
  local -a env=(HOME="$agent_home" USER=agent PATH="$npm_dir/node_modules/.bin:/usr/bin:/bin")
  local run
  case "$h" in
    claude-code) env+=(ANTHROPIC_BASE_URL="http://127.0.0.1:$port" ANTHROPIC_API_KEY=sk-e2e-dummy DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1)
      run="claude -p 'Run the steps.' --allowedTools 'Bash Read Write Edit' --add-dir '$agent_home' --model claude-opus-4-5";;
    codex) env+=(E2E_KEY=e2e-dummy)
      run="codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -m gpt-5.1-codex -c model_provider=e2e -c 'model_providers.e2e={name=\"e2e\",base_url=\"http://127.0.0.1:$port/v1\",env_key=\"E2E_KEY\",wire_api=\"responses\"}' 'Run the steps.'";;
    gemini) env+=(GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$port" GEMINI_API_KEY=e2e-dummy)
      run="gemini -p 'Run the steps.' --yolo --skip-trust -m gemini-2.5-pro";;
    copilot) env+=(COPILOT_PROVIDER_BASE_URL="http://127.0.0.1:$port/v1" COPILOT_PROVIDER_API_KEY=e2e-dummy COPILOT_MODEL=gpt-4.1 COPILOT_OFFLINE=true)
      run="copilot -p 'Run the steps.' --allow-all";;
    # OpenCode: an OpenAI-compatible provider at the server (the agent's own config); every permission allowed.
    opencode) mkdir -p "$agent_home/.config/opencode"
      printf '{"$schema":"https://opencode.ai/config.json","model":"e2e/m","autoupdate":false,"share":"disabled",%s,%s}' \
        '"provider":{"e2e":{"npm":"@ai-sdk/openai-compatible","name":"e2e","options":{"baseURL":"http://127.0.0.1:'"$port"'/v1","apiKey":"e2e-dummy"},"models":{"m":{"name":"m","tool_call":true}}}}' \
        '"permission":{"bash":"allow","edit":"allow","external_directory":"allow"}' > "$agent_home/.config/opencode/opencode.json"
      chown -R agent "$agent_home/.config"
      run="opencode run 'Run the steps.' --model e2e/m";;
  esac
  runuser -u agent -- env -i "${env[@]}" bash -c "cd '$agent_home/proj' && timeout 180 $run" >"$w/client.log" 2>&1
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
}
ran() { [ "$(wc -l < "$w/requests.jsonl")" -ge 2 ]; } # the client's second request to the model carries the tool's result
if [ -e "$npm_src/node_modules/.bin/claude" ]; then
  [ -d "$npm_dir" ] || cp -al "$npm_src" "$npm_dir" 2>/dev/null || cp -a "$npm_src" "$npm_dir"
  chmod -R a+rX "$npm_dir"; chmod a+rx /opt
  mkdir -p "$agent_home/.claude" "$agent_home/.gemini"
  echo '{"disableAllHooks":true,"hooks":{},"permissions":{"allow":["Bash(*)"],"defaultMode":"bypassPermissions"}}' > "$agent_home/.claude/settings.json"
  echo '{"security":{"auth":{"selectedType":"gemini-api-key"}}}' > "$agent_home/.gemini/settings.json"
  # Copilot CLI unpacks its runtime into ~/.cache/copilot on first use (offline here): the agent gets root's copy.
  mkdir -p "$agent_home/.cache"; rm -rf "$agent_home/.cache/copilot"; cp -a "$HOME/.cache/copilot" "$agent_home/.cache/copilot" 2>/dev/null
  chown -R agent "$agent_home/.claude" "$agent_home/.gemini" "$agent_home/.cache"
  for h in claude-code codex gemini copilot opencode; do
    rm -rf "$agent_home/precious"; mkdir -p "$agent_home/precious"; echo keep > "$agent_home/precious/sentinel"; chown -R agent "$agent_home/precious"
    real_client "$h" 'rm -rf ~/precious'
    check "real $h ran the scripted step" ran
    check "real $h: rm -rf ~/precious is stopped by the managed hook$([ "$h" = claude-code ] && echo ' although the user settings disable hooks')" test -f "$agent_home/precious/sentinel"
    check "real $h: the model is told Interlock's reason" grep -q "fs.delete" "$w/requests.jsonl"
  done
else
  bad "real clients: not installed at $npm_src (run tests/e2e/run.sh first); enforced mode is NOT proven with the real clients"
fi

echo "== the daemon is down: every action stops, nothing is decided in the agent's process"
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=""
out=$(hook_as agent "$(claude_event "$agent_home/proj" 'git status')" 2>&1)
check "git status is stopped while the daemon is down" grep -q '"permissionDecision":"deny"' <<<"$out"
check "...saying the decision daemon did not answer" grep -q 'decision daemon did not answer' <<<"$out"
check "no state was written in the agent's home" test ! -e "$agent_home/.local/state/interlock"
if [ -d "$npm_dir" ]; then
  for h in claude-code codex gemini copilot opencode; do
    rm -f "$agent_home/proj/ok.txt"
    real_client "$h" 'echo hello > ok.txt'
    check "real $h: with the daemon down even echo is stopped" bash -c "[ \$(wc -l < '$w/requests.jsonl') -ge 2 ] && [ ! -e '$agent_home/proj/ok.txt' ] && grep -q 'decision daemon did not answer' '$w/requests.jsonl'"
  done
fi

echo "== uninstall --system: back to user mode"
out=$(as agent $lib/interlock doctor 2>&1)
check "doctor says every call is stopped while the daemon is down" grep -q "PROBLEM no answer on /run/interlock/decide.sock" <<<"$out"
"$aot/interlock" uninstall --system >/dev/null 2>&1
check "the mode switch and every managed file Interlock wrote are gone" bash -c "[ ! -e /etc/interlock/enforced.conf ] && for f in $managed_files; do [ ! -e \$f ] || exit 1; done"
out=$(printf '%s' "$(claude_event "$agent_home/proj" 'git status')" | as agent INTERLOCK_DAEMON=off $lib/interlock hook claude-code 2>&1); st=$?
check "the hook decides in user mode again" bash -c "[ $st -eq 0 ] && ! grep -q deny <<<\"\$0\"" "$out"

echo "ENFORCED: $passed passed, $failed failed"
