namespace Interlock.Server;

/// <summary>The dashboard's stylesheet and script, served from /assets/ (so the Content-Security-Policy can forbid
/// inline scripts and styles). A small design system of its own: CSS custom properties for a light and a dark scheme
/// (prefers-color-scheme), a few components (cards, badges, buttons, tables, banners); no build step.</summary>
internal static class DashboardAssets
{
    public const string Css = """
        :root{color-scheme:light dark;
          --bg:#f5f6f8;--surface:#fff;--surface-2:#f9fafb;--text:#18202c;--muted:#5d6778;--line:#e2e5ea;--line-2:#cfd4dc;
          --accent:#3451d1;--accent-ink:#fff;--accent-soft:#eef1fd;
          --ok:#1c7c45;--ok-soft:#e5f3ea;--warn:#8f5300;--warn-soft:#fff3dc;--bad:#c0262d;--bad-soft:#fdeced;
          --code:#f0f2f5;--code-ink:#1f2937;--shadow:0 1px 2px rgba(16,24,40,.05),0 2px 6px rgba(16,24,40,.06);
          --radius:10px;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
        @media (prefers-color-scheme:dark){:root{
          --bg:#0e1117;--surface:#161a22;--surface-2:#1b2029;--text:#e5e8ee;--muted:#97a1b2;--line:#262c37;--line-2:#343b48;
          --accent:#8aa2ff;--accent-ink:#0e1117;--accent-soft:#1d2540;
          --ok:#5cc98f;--ok-soft:#12281c;--warn:#f2b45c;--warn-soft:#2c2110;--bad:#ff7b7b;--bad-soft:#321719;
          --code:#0b0d12;--code-ink:#dfe4ec;--shadow:0 1px 2px rgba(0,0,0,.4)}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        a{color:var(--accent);text-decoration:none} a:hover{text-decoration:underline}
        code,pre{font-family:var(--mono);font-size:12.5px}
        code{background:var(--code);color:var(--code-ink);padding:.05em .35em;border-radius:4px;overflow-wrap:anywhere}
        .top{display:flex;align-items:center;gap:1.25rem;padding:.7rem 1.5rem;background:var(--surface);border-bottom:1px solid var(--line);position:sticky;top:0;z-index:1}
        .brand{font-weight:700;color:var(--text);letter-spacing:.01em;display:flex;align-items:center;gap:.45rem}
        .brand::before{content:"";width:.9rem;height:.9rem;border-radius:3px;background:linear-gradient(135deg,var(--accent),var(--ok));display:inline-block}
        .top nav{display:flex;gap:.25rem} .top nav a{color:var(--muted);padding:.3rem .6rem;border-radius:6px}
        .top nav a[aria-current=page]{color:var(--text);background:var(--accent-soft)} .top nav a:hover{text-decoration:none;color:var(--text)}
        .who{margin-left:auto;color:var(--muted);font-size:13px} .who b{color:var(--text);font-weight:600}
        main{max-width:72rem;margin:0 auto;padding:1.5rem}
        h1{font-size:1.45rem;margin:.2rem 0 1rem} h2{font-size:1.05rem;margin:2rem 0 .7rem;display:flex;align-items:center;gap:.5rem}
        h3{font-size:.95rem;margin:0} h4{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:1rem 0 .35rem}
        .muted{color:var(--muted)} .small{font-size:12.5px}
        .count{background:var(--accent-soft);color:var(--accent);border-radius:99px;padding:0 .55rem;font-size:12px;font-weight:600}
        .live{font-size:11px;font-weight:500;color:var(--muted);display:inline-flex;align-items:center;gap:.3rem}
        .live::before{content:"";width:.5rem;height:.5rem;border-radius:50%;background:var(--line-2)}
        .live[data-state=open]::before{background:var(--ok);box-shadow:0 0 0 3px var(--ok-soft)}
        .card{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow);padding:1rem 1.15rem;margin:0 0 1rem}
        .req-head{display:flex;flex-wrap:wrap;align-items:center;gap:.45rem;margin-bottom:.6rem}
        .req-head .spacer{flex:1} .req-id{font-family:var(--mono);font-size:12.5px}
        .badge{display:inline-block;font-size:11.5px;font-weight:600;padding:.05rem .5rem;border-radius:99px;border:1px solid transparent;white-space:nowrap}
        .env-production{background:var(--bad);color:#fff} .env-staging{background:var(--warn-soft);color:var(--warn);border-color:var(--warn)}
        .env-development{background:var(--ok-soft);color:var(--ok)} .env-unknown{background:var(--surface-2);color:var(--muted);border-color:var(--line-2)}
        .st-pending{background:var(--accent-soft);color:var(--accent)} .st-approved,.st-consumed,.v-allow{background:var(--ok-soft);color:var(--ok)}
        .st-denied,.v-deny{background:var(--bad-soft);color:var(--bad)} .st-expired{background:var(--surface-2);color:var(--muted)} .v-ask{background:var(--warn-soft);color:var(--warn)}
        .time-left{font-size:12.5px;color:var(--muted)} .time-left.soon{color:var(--warn);font-weight:600}
        pre.cmd{margin:0 0 .6rem;background:var(--code);color:var(--code-ink);border-radius:8px;padding:.65rem .8rem;white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line)}
        .reason{margin:.2rem 0} .rule{font-family:var(--mono);font-size:11.5px;color:var(--muted)}
        ul.effects{list-style:none;margin:0;padding:0;display:grid;gap:.4rem}
        ul.effects li{border-left:3px solid var(--line-2);padding:.1rem 0 .1rem .65rem}
        ul.effects li.env-effect-production{border-left-color:var(--bad)}
        .touch{display:flex;flex-wrap:wrap;gap:.35rem;margin-top:.2rem;font-size:12px;color:var(--muted)}
        .chip{border:1px solid var(--line);border-radius:6px;padding:0 .4rem;background:var(--surface-2)}
        .evidence{margin:.2rem 0 0;font-size:12.5px}
        .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.5rem 1.25rem;margin:.8rem 0 0}
        .facts div{min-width:0} .facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)} .facts dd{margin:0;overflow-wrap:anywhere}
        .progress{display:flex;align-items:center;gap:.6rem;margin:.9rem 0 0;font-size:13px}
        meter{flex:0 0 8rem;height:.55rem}
        .vote{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.9rem;padding-top:.9rem;border-top:1px solid var(--line)}
        .vote input[name=comment]{flex:1 1 16rem}
        .cannot{margin:.9rem 0 0;padding:.55rem .75rem;border-radius:8px;background:var(--surface-2);border:1px dashed var(--line-2);color:var(--muted);font-size:13px}
        input,select,textarea{font:inherit;color:var(--text);background:var(--surface);border:1px solid var(--line-2);border-radius:7px;padding:.42rem .6rem;min-width:0}
        input:focus,select:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
        button,.button{font:inherit;font-weight:600;border-radius:7px;padding:.42rem .9rem;border:1px solid var(--line-2);background:var(--surface);color:var(--text);cursor:pointer}
        button:hover{border-color:var(--muted)} button:disabled{opacity:.55;cursor:default}
        button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}
        button.approve{background:var(--ok);border-color:var(--ok);color:#fff} button.deny{background:var(--surface);border-color:var(--bad);color:var(--bad)}
        button.ghost{background:none;border-color:transparent;color:var(--muted);padding:.3rem .5rem} button.ghost:hover{color:var(--text)}
        @media (prefers-color-scheme:dark){button.approve{color:#06140c}}
        form.inline{display:inline}
        .banner{border-radius:8px;padding:.6rem .85rem;margin:0 0 1rem;border:1px solid}
        .banner.ok{background:var(--ok-soft);border-color:var(--ok);color:var(--ok)} .banner.warn{background:var(--warn-soft);border-color:var(--warn);color:var(--warn)}
        .banner.bad{background:var(--bad-soft);border-color:var(--bad);color:var(--bad)} .banner.info{background:var(--surface-2);border-color:var(--line-2);color:var(--muted)}
        .banner b{color:inherit}
        .empty{background:var(--surface);border:1px dashed var(--line-2);border-radius:var(--radius);padding:1.25rem 1.4rem;color:var(--muted)}
        .empty strong{display:block;color:var(--text);font-size:15px;margin-bottom:.25rem} .empty p{margin:.35rem 0}
        table{width:100%;border-collapse:collapse;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden;box-shadow:var(--shadow)}
        th{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);text-align:left;background:var(--surface-2);font-weight:600}
        th,td{padding:.5rem .7rem;border-bottom:1px solid var(--line);vertical-align:top;text-align:left} tr:last-child td{border-bottom:0}
        td.action{min-width:11rem;max-width:24rem} td.action code{overflow-wrap:break-word} td.nowrap,th.nowrap{white-space:nowrap}
        .filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:0 0 1rem}
        .filters label{display:grid;gap:.15rem;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        .votes{list-style:none;padding:0;margin:0;display:grid;gap:.5rem}
        .votes li{background:var(--surface);border:1px solid var(--line);border-radius:8px;padding:.55rem .8rem}
        .votes blockquote{margin:.3rem 0 0;padding-left:.6rem;border-left:3px solid var(--line-2)}
        dl.policy{display:grid;grid-template-columns:12rem 1fr;gap:.7rem 1.5rem;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:1.1rem 1.3rem;box-shadow:var(--shadow)}
        dl.policy dt{font-weight:600} dl.policy dd{margin:0}
        .signin{max-width:27rem;margin:9vh auto 0}
        .signin .card{padding:1.5rem 1.6rem} .signin h1{display:flex;align-items:center;gap:.5rem}
        .signin label{display:grid;gap:.3rem;font-weight:600;margin-bottom:.8rem} .signin input{width:100%}
        .signin button{width:100%}
        .or{display:flex;align-items:center;gap:.7rem;color:var(--muted);font-size:12px;margin:1rem 0}
        .or::before,.or::after{content:"";flex:1;border-top:1px solid var(--line)}
        .row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
        [hidden]{display:none!important}
        @media (max-width:640px){.top{flex-wrap:wrap;gap:.5rem}.who{margin-left:0}main{padding:1rem}dl.policy{grid-template-columns:1fr}}
        """;

    public const string Js = """
        'use strict';
        // Relative times ("3 min ago", "in 2 h"), kept current.
        function rel(iso) {
          const s = Math.round((Date.parse(iso) - Date.now()) / 1000), a = Math.abs(s);
          const t = a < 45 ? null : a < 5400 ? Math.round(a / 60) + ' min' : a < 129600 ? Math.round(a / 3600) + ' h' : Math.round(a / 86400) + ' d';
          return t === null ? (s < 0 ? 'just now' : 'in a moment') : s < 0 ? t + ' ago' : 'in ' + t;
        }
        function tick() { document.querySelectorAll('time[datetime][data-rel]').forEach(e => { e.textContent = rel(e.dateTime); }); }
        setInterval(tick, 30000);

        // Live updates: every [data-live] region is re-rendered from its URL when the server says something changed;
        // a card someone is typing a comment in is kept as it is.
        const regions = document.querySelectorAll('[data-live]');
        if (regions.length) {
          const es = new EventSource('/events');
          const live = document.getElementById('live');
          es.onopen = () => { if (live) live.dataset.state = 'open'; };
          es.onerror = () => { if (live) live.dataset.state = 'closed'; };
          es.onmessage = () => regions.forEach(async region => {
            const r = await fetch(region.dataset.live, { credentials: 'same-origin' });
            if (!r.ok) return;
            const next = document.createElement('div');
            next.innerHTML = await r.text();
            next.querySelectorAll('[data-request]').forEach(card => {
              const old = region.querySelector('[data-request="' + CSS.escape(card.dataset.request) + '"]');
              const comment = old && old.querySelector('input[name=comment]');
              if (old && (old.contains(document.activeElement) || (comment && comment.value))) card.replaceWith(old);
            });
            region.replaceChildren(...next.childNodes);
            const count = region.id && document.getElementById(region.id + '-count');
            if (count) count.textContent = region.querySelectorAll('[data-request]').length;
            tick();
          });
        }

        // Regions filled once after the page loads (the audit chain's verification, which reads the whole trail).
        document.querySelectorAll('[data-once]').forEach(async region => {
          const r = await fetch(region.dataset.once, { credentials: 'same-origin' });
          region.innerHTML = r.ok ? await r.text() : '<p class="banner warn">The check could not run (the server answered ' + r.status + '); try reloading.</p>';
        });

        // Passkeys (WebAuthn): the server's options and the browser's answers travel as JSON with base64url bytes.
        const b64u = {
          decode: s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), c => c.charCodeAt(0)),
          encode: b => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
        };
        // Drop null members: the options' JSON may carry nulls where WebAuthn's dictionaries expect a value or nothing.
        const clean = o => { if (o && typeof o === 'object') for (const k of Object.keys(o)) { if (o[k] === null) delete o[k]; else clean(o[k]); } return o; };
        async function post(url, body) {
          const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
          const j = await r.json().catch(() => ({ error: 'the server answered ' + r.status }));
          if (!r.ok) throw new Error(j.error || j.detail || ('the server answered ' + r.status));
          return j;
        }
        function say(el, text, tone) { if (!el) return; el.hidden = false; el.className = 'banner ' + tone; el.textContent = text; }
        function problem(e) {
          if (e && e.name === 'NotAllowedError') return 'The passkey prompt was cancelled or timed out; nothing was sent. Try again.';
          if (e && e.name === 'InvalidStateError') return 'This authenticator already holds a passkey for your account here.';
          return (e && e.message) || String(e);
        }

        const signIn = document.getElementById('passkey-signin');
        if (signIn) signIn.addEventListener('click', async () => {
          const out = document.getElementById('passkey-status');
          if (!window.PublicKeyCredential) { say(out, 'This browser does not support passkeys; sign in with your token.', 'warn'); return; }
          signIn.disabled = true;
          try {
            const o = clean(await post('/login/passkey/options'));
            o.challenge = b64u.decode(o.challenge);
            o.allowCredentials = (o.allowCredentials || []).map(c => ({ ...c, id: b64u.decode(c.id) }));
            const c = await navigator.credentials.get({ publicKey: o });
            const done = await post('/login/passkey', {
              id: c.id, rawId: b64u.encode(c.rawId), type: c.type,
              response: {
                clientDataJSON: b64u.encode(c.response.clientDataJSON), authenticatorData: b64u.encode(c.response.authenticatorData),
                signature: b64u.encode(c.response.signature), userHandle: c.response.userHandle ? b64u.encode(c.response.userHandle) : null,
              },
            });
            location.assign(done.redirect || '/');
          } catch (e) { say(out, problem(e), 'bad'); } finally { signIn.disabled = false; }
        });

        const add = document.getElementById('add-passkey');
        if (add) add.addEventListener('click', async () => {
          const out = document.getElementById('passkey-status');
          if (!window.PublicKeyCredential) { say(out, 'This browser does not support passkeys.', 'warn'); return; }
          add.disabled = true;
          try {
            const label = document.getElementById('passkey-label').value;
            const o = clean(await post('/account/passkeys/options'));
            o.challenge = b64u.decode(o.challenge);
            o.user.id = b64u.decode(o.user.id);
            o.excludeCredentials = (o.excludeCredentials || []).map(c => ({ ...c, id: b64u.decode(c.id) }));
            const c = await navigator.credentials.create({ publicKey: o });
            const done = await post('/account/passkeys', {
              label, id: c.id, rawId: b64u.encode(c.rawId), type: c.type,
              response: { clientDataJSON: b64u.encode(c.response.clientDataJSON), attestationObject: b64u.encode(c.response.attestationObject) },
            });
            location.assign('/account?tone=ok&msg=' + encodeURIComponent(done.message));
          } catch (e) { say(out, problem(e), 'bad'); } finally { add.disabled = false; }
        });
        """;
}
