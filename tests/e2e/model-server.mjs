// Scripted model server for the end-to-end tests (tests/e2e/run.sh).
// Listens on 127.0.0.1 (port 0 = a free one, printed as "PORT <n>" on stdout), answers every generation
// request with the next tool call of a script, and appends every request it receives to a log (one JSON
// object per line: {path, body}) so a test can read what the client sent the model after a tool call.
//
//   node model-server.mjs <script.json> <requests.jsonl>
//
// script.json: {"calls": [{"name": "Bash", "input": {"command": "..."}}, ...]}. The server is stateless
// over a conversation: the number of tool results already in the request picks the next call, so side
// requests (titles, quota checks) and retries do not shift the script. After the last call it answers text.
// Protocols: Anthropic Messages (/v1/messages, streaming or not), OpenAI Responses (/responses, streaming),
// OpenAI chat completions (/chat/completions, streaming or not), Gemini (…:streamGenerateContent / :generateContent).
import http from 'node:http';
import fs from 'node:fs';
import { execSync } from 'node:child_process';

const [scriptPath, logPath] = process.argv.slice(2);
const script = JSON.parse(fs.readFileSync(scriptPath, 'utf8'));
const calls = script.calls ?? [];
const DONE = 'All scripted steps are done.';

function log(path, body) { fs.appendFileSync(logPath, JSON.stringify({ path, body }) + '\n'); }

// A script entry may carry "before": a shell command the server runs (as a human in another terminal would)
// before it answers with that call; "{id}" in it is the last approval id Interlock named in the request.
const ran = new Set();
function before(n, body) {
  const c = calls[n];
  if (!c || !c.before || ran.has(n)) return;
  ran.add(n);
  const ids = [...JSON.stringify(body).matchAll(/interlock approve ([a-z0-9]+)/g)].map(m => m[1]);
  const cmd = c.before.replace('{id}', ids.length ? ids[ids.length - 1] : 'NO-ID-IN-REQUEST');
  try { fs.appendFileSync(logPath + '.before', execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })); }
  catch (e) { fs.appendFileSync(logPath + '.before', `FAILED ${cmd}: ${e.stderr || e}`); }
}

function sse(res, events, named) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
  for (const e of events) {
    if (named) res.write(`event: ${e.type}\n`);
    res.write(`data: ${JSON.stringify(e)}\n\n`);
  }
  res.end();
}

// ---- Anthropic Messages
function anthropic(body, res) {
  const msgs = body.messages ?? [];
  let n = 0;
  for (const m of msgs) if (Array.isArray(m.content)) for (const c of m.content) if (c.type === 'tool_result') n++;
  if (body.tools && body.tools.length) before(n, body);
  const call = body.tools && body.tools.length && n < calls.length ? calls[n] : null;
  const usage = { input_tokens: 10, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const content = call ? [{ type: 'tool_use', id: `toolu_e2e_${n}`, name: call.name, input: call.input }]
                       : [{ type: 'text', text: DONE }];
  const stop = call ? 'tool_use' : 'end_turn';
  const message = { id: `msg_e2e_${n}_${Date.now()}`, type: 'message', role: 'assistant', model: body.model,
    content: [], stop_reason: null, stop_sequence: null, usage };
  if (!body.stream) return json(res, { ...message, content, stop_reason: stop });
  const ev = [{ type: 'message_start', message }];
  content.forEach((c, i) => {
    if (c.type === 'tool_use') {
      ev.push({ type: 'content_block_start', index: i, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
      ev.push({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: JSON.stringify(c.input) } });
    } else {
      ev.push({ type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } });
      ev.push({ type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: c.text } });
    }
    ev.push({ type: 'content_block_stop', index: i });
  });
  ev.push({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 10 } });
  ev.push({ type: 'message_stop' });
  sse(res, ev, true);
}

// ---- Gemini generateContent
function gemini(body, res, stream) {
  let n = 0;
  for (const c of body.contents ?? []) for (const p of c.parts ?? []) if (p.functionResponse) n++;
  const hasTools = (body.tools ?? []).some(t => (t.functionDeclarations ?? []).length);
  if (hasTools) before(n, body);
  const call = hasTools && n < calls.length ? calls[n] : null;
  const part = call ? { functionCall: { name: call.name, args: call.input } } : { text: DONE };
  const chunk = { candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 }, modelVersion: 'e2e' };
  if (!stream) return json(res, chunk);
  sse(res, [chunk], false);
}

// ---- OpenAI chat completions
function chat(body, res) {
  let n = 0;
  for (const m of body.messages ?? []) if (m.role === 'tool') n++;
  if (body.tools && body.tools.length) before(n, body);
  const call = body.tools && body.tools.length && n < calls.length ? calls[n] : null;
  const id = `chatcmpl-e2e-${n}`, created = Math.floor(Date.now() / 1000), model = body.model;
  const tc = call ? [{ index: 0, id: `call_e2e_${n}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input) } }] : undefined;
  const finish = call ? 'tool_calls' : 'stop';
  if (!body.stream) return json(res, { id, object: 'chat.completion', created, model,
    choices: [{ index: 0, message: { role: 'assistant', content: call ? null : DONE, tool_calls: tc }, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } });
  const base = { id, object: 'chat.completion.chunk', created, model };
  sse(res, [
    { ...base, choices: [{ index: 0, delta: call ? { role: 'assistant', tool_calls: tc } : { role: 'assistant', content: DONE }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } },
  ], false);
  // sse() ended the response; OpenAI streams end with [DONE] but clients accept the close.
}

// ---- OpenAI Responses
function responses(body, res) {
  let n = 0;
  for (const it of Array.isArray(body.input) ? body.input : []) if (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') n++;
  if (body.tools && body.tools.length) before(n, body);
  const call = body.tools && body.tools.length && n < calls.length ? calls[n] : null;
  const rid = `resp_e2e_${n}_${Date.now()}`;
  let item;
  if (call && call.custom) item = { type: 'custom_tool_call', id: `ctc_${n}`, call_id: `call_e2e_${n}`, name: call.name, input: call.input, status: 'completed' };
  else if (call) item = { type: 'function_call', id: `fc_${n}`, call_id: `call_e2e_${n}`, name: call.name, arguments: JSON.stringify(call.input), status: 'completed' };
  else item = { type: 'message', id: `m_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: DONE, annotations: [] }] };
  const response = { id: rid, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'completed', model: body.model, output: [item],
    usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20 } };
  sse(res, [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response },
  ], true);
}

function json(res, obj) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); }

const server = http.createServer((req, res) => {
  let data = '';
  req.on('data', d => (data += d));
  req.on('end', () => {
    let body = {};
    try { body = data ? JSON.parse(data) : {}; } catch { body = { raw: data }; }
    log(req.url, body);
    const u = req.url.split('?')[0];
    try {
      if (req.method === 'GET') return json(res, { data: [], object: 'list' });
      if (u.endsWith('/messages/count_tokens')) return json(res, { input_tokens: 10 });
      if (u.endsWith('/messages')) return anthropic(body, res);
      if (u.includes(':streamGenerateContent')) return gemini(body, res, true);
      if (u.includes(':generateContent')) return gemini(body, res, false);
      if (u.includes(':countTokens')) return json(res, { totalTokens: 10 });
      if (u.endsWith('/chat/completions')) return chat(body, res);
      if (u.endsWith('/responses')) return responses(body, res);
      res.writeHead(404); res.end('unknown endpoint ' + u);
    } catch (e) { res.writeHead(500); res.end(String(e)); }
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
