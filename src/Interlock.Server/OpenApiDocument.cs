namespace Interlock.Server;

/// <summary>The API's OpenAPI 3.1 description, served at GET /openapi.json (kept by hand next to <see cref="Api"/>).</summary>
public static class OpenApiDocument
{
    public const string Json = """
    {
      "openapi": "3.1.0",
      "info": { "title": "Interlock approval server", "version": "1", "description": "Agents submit actions; risky ones wait for humans. Every endpoint but /health needs `Authorization: Bearer <token>`: 401 without a valid one; after too many invalid tokens from one client address (30 in 5 minutes by default), 429 with Retry-After for every request with a token from that address until the window ends (problem code `rate-limited`). Errors are application/problem+json with `field` naming what was wrong." },
      "components": {
        "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
        "schemas": {
          "Problem": { "type": "object", "properties": { "title": {"type":"string"}, "status": {"type":"integer"}, "detail": {"type":"string"}, "field": {"type":"string"}, "code": {"type":"string"} } },
          "DecisionCall": { "type": "object", "required": ["harness","tool","cwd"], "properties": {
            "harness": {"type":"string","maxLength":64}, "sessionId": {"type":"string"}, "tool": {"type":"string"}, "cwd": {"type":"string","description":"absolute"},
            "command": {"type":"string"}, "toolArguments": {"type":"string"},
            "file": {"type":"object","properties":{"kind":{"enum":["Write","Edit","MultiEdit","NotebookEdit","Read"]},"path":{"type":"string"},"content":{"type":"string"},"edits":{"type":"array","items":{"type":"object","properties":{"oldString":{"type":"string"},"newString":{"type":"string"},"replaceAll":{"type":"boolean"}}}}}},
            "world": {"type":"object","description":"facts the hook's engine asked about the agent's machine, replayed by the server's engine","properties":{"home":{"type":"string"},"env":{"type":"object"},"paths":{"type":"object","additionalProperties":{"enum":["Unknown","Missing","File","Directory"]}},"repositories":{"type":"object"},"branches":{"type":"object"},"files":{"type":"object"}}},
            "waitMs": {"type":"integer","minimum":0,"maximum":600000,"description":"how long to wait for humans when the action needs approval (capped by the server)"},
            "harnessCanAsk": {"type":"boolean","description":"the harness can put an ask to its own user"},
            "host": {"type":"string","maxLength":255,"description":"the agent machine's host name, shown to approvers"} } },
          "Decision": { "type": "object", "properties": {
            "verdict": {"enum":["allow","ask","deny"]}, "status": {"enum":["allowed","denied","granted","pending","rejected","expired","used"]},
            "ruleId": {"type":"string"}, "reason": {"type":"string"}, "alternative": {"type":"string"}, "requestId": {"type":"string"},
            "requiredApprovals": {"type":"integer"}, "approverGroup": {"type":"string"}, "environment": {"type":"string"}, "repository": {"type":"string"}, "effects": {"type":"array","items":{"type":"string"}} } },
          "Request": { "type": "object", "properties": { "id": {"type":"string"}, "status": {"enum":["pending","approved","denied","expired","consumed"]}, "agent": {"type":"string"}, "operator": {"type":"string"}, "action": {"type":"string"}, "cwd": {"type":"string"}, "repository": {"type":"string"}, "branch": {"type":"string"}, "host": {"type":"string"}, "environment": {"type":"string"}, "requiredApprovals": {"type":"integer"}, "countedApprovals": {"type":"integer"}, "votes": {"type":"array"} } },
          "AuditRecord": { "type": "object", "description": "one record of the hash-chained trail, exactly as a line of `interlock audit export --jsonl` and of a prune's archive (snake_case; `effects` is the stored JSON, or a string when the stored text is not re-readable JSON)",
            "required": ["seq","ts","harness","session_id","cwd","tool","request","verdict","rule_id","reason","effects","decision_us","prev_hash","hash"], "properties": {
            "seq": {"type":"integer"}, "ts": {"type":"string","description":"UTC, microseconds: 2026-11-27T10:15:00.123456Z"}, "harness": {"type":"string"}, "session_id": {"type":["string","null"]},
            "cwd": {"type":"string"}, "tool": {"type":"string"}, "request": {"type":["string","null"]}, "verdict": {"type":"string"}, "rule_id": {"type":"string"}, "reason": {"type":"string"},
            "effects": {"type":["array","object","string"]}, "decision_us": {"type":"integer"}, "prev_hash": {"type":"string"}, "hash": {"type":"string"} } }
        }
      },
      "security": [ { "token": [] } ],
      "paths": {
        "/health": { "get": { "security": [], "summary": "Liveness", "responses": { "200": { "description": "ok" } } } },
        "/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI" } } } },
        "/v1/decisions": { "post": { "summary": "Decide an agent's action (agent tokens only). An ask becomes a request bound to the exact action; the call waits up to waitMs; a pending request is answered as deny with its id; a retry after approval is allowed once.",
          "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DecisionCall" } } } },
          "responses": { "200": { "description": "the decision", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Decision" } } } }, "400": { "description": "malformed", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }, "401": {"description":"no valid token"}, "403": {"description":"not an agent token"}, "413": {"description":"body over 1 MiB"} } } },
        "/v1/requests": { "get": { "summary": "Requests, newest first (agents: their own)", "parameters": [ {"name":"status","in":"query","schema":{"type":"string"}}, {"name":"limit","in":"query","schema":{"type":"integer","maximum":500}} ], "responses": { "200": { "description": "requests" } } } },
        "/v1/requests/{id}": { "get": { "summary": "One request with its votes", "parameters": [ {"name":"id","in":"path","required":true,"schema":{"type":"string"}} ], "responses": { "200": { "description": "the request", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Request" } } } }, "404": {"description":"unknown"} } } },
        "/v1/requests/{id}/approve": { "post": { "summary": "Approve (human tokens only; the agent's operator does not count; one vote per person)", "parameters": [ {"name":"id","in":"path","required":true,"schema":{"type":"string"}} ], "requestBody": { "content": { "application/json": { "schema": { "type":"object", "properties": { "comment": {"type":"string","maxLength":2000} } } } } }, "responses": { "200": {"description":"counted or decided"}, "403": {"description":"agent token, operator, or not in the approver group"}, "404": {"description":"unknown"}, "409": {"description":"already voted or no longer pending"} } } },
        "/v1/requests/{id}/deny": { "post": { "summary": "Deny (human tokens only; one deny ends the request)", "parameters": [ {"name":"id","in":"path","required":true,"schema":{"type":"string"}} ], "responses": { "200": {"description":"decided"}, "403": {"description":"agent token"}, "404": {"description":"unknown"}, "409": {"description":"not pending"} } } },
        "/v1/audit": { "get": { "summary": "The last records of the central hash-chained audit trail (humans)", "parameters": [ {"name":"limit","in":"query","schema":{"type":"integer","maximum":1000}} ], "responses": { "200": {"description":"{records: [AuditRecord]}, oldest first", "content": { "application/json": { "schema": { "type": "object", "properties": { "records": { "type": "array", "items": { "$ref": "#/components/schemas/AuditRecord" } } } } } } } } } },
        "/v1/audit/export": { "get": { "summary": "The trail still in the database (after the latest checkpoint) as JSON lines: one AuditRecord per line, byte for byte as `interlock audit export --jsonl` writes them (humans)", "responses": { "200": {"description":"one AuditRecord per line, each ending in a newline", "content": { "application/x-ndjson": { "schema": { "$ref": "#/components/schemas/AuditRecord" } } } } } } },
        "/v1/audit/verify": { "get": { "summary": "Walk the chain from the latest checkpoint and report tampering (humans)", "responses": { "200": {"description":"{intact, records, lastSequence, checkpoint?, problems}"} } } },
        "/v1/audit/checkpoints": { "get": { "summary": "The checkpoints prunes left, oldest first (humans)", "responses": { "200": {"description":"{checkpoints: [{id, firstSequence, lastSequence, lastHash, count, prunedAt, archive, archiveSha256, previousHash, hash}]}"} } } },
        "/v1/audit/prune": { "post": { "summary": "Archive the oldest records to the server's --audit-archive-dir and prune them, leaving a checkpoint (members of --audit-admin-group only)", "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "before": {"type":"string","description":"an age (90d, 12h) or a date (2026-01-31)"}, "keep": {"type":"integer","minimum":0}, "dryRun": {"type":"boolean"} } } } } }, "responses": { "200": {"description":"{pruned, dryRun, message, firstSequence?, lastSequence?, count?, archive?, checkpoint?}"}, "403": {"description":"agent token, or not an audit administrator"}, "409": {"description":"refused (no archive directory, records do not verify) or lost a race with another prune; nothing was removed"} } } },
        "/v1/policy": { "get": { "summary": "The effective approval policy", "responses": { "200": {"description":"policy"} } } },
        "/v1/webhooks/deliveries": { "get": { "summary": "Recent webhook delivery attempts (humans)", "responses": { "200": {"description":"deliveries"} } } }
      }
    }
    """;
}
