// web_page_bench.mjs — the back office's page budget over the demo year: the dashboard's server-side render time
// (median of several signed-in GETs of /, read from the server's access log, ms=…; the round trip beside it) and, for
// every page, the bytes of HTML + CSS + JS it loads (the page itself plus its <link rel="stylesheet"> and
// <script src>), each printed beside its budget (200 ms; 1.5 MB). Prints, never asserts time or size; exits 1 only
// when the county cannot be set up or the sign-in fails.
// Run by build/bin/web_page_bench (./yimen bench: demo year at full scale), `--tiny` in ctest (tiny scale, 3 GETs).
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { County } from '../web/county_fixture.mjs';

const tiny = process.argv.includes('--tiny');
const GETS = tiny ? 3 : 15;
const RENDER_BUDGET_MS = 200;
const BYTES_BUDGET = 1.5 * 1024 * 1024;
const USER = { id: 'bench-admin', name: '页面预算', role: 'county-admin', password: 'bench-password-2026' };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

// A tiny HTTPS client with a cookie jar, trusting the county's own CA.
class Client {
  constructor(base, ca) { this.base = base; this.ca = ca; this.cookies = new Map(); }
  request(method, urlPath, body) {
    return new Promise((resolve, reject) => {
      const headers = {};
      if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const t0 = process.hrtime.bigint();
      const req = https.request(new URL(urlPath, this.base), { method, headers, ca: this.ca }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] || []) {
            const [pair] = c.split(';');
            const eq = pair.indexOf('=');
            if (/Max-Age=0/.test(c)) this.cookies.delete(pair.slice(0, eq));
            else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
          }
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
                    ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        });
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }
}

async function signIn(client) {
  const form = (await client.request('GET', '/login')).body.toString();
  const csrf = form.match(/name="csrf_token" value="([0-9a-f]+)"/)?.[1];
  const body = new URLSearchParams({ csrf_token: csrf || '', username: USER.id, password: USER.password }).toString();
  const r = await client.request('POST', '/login', body);
  if (r.status !== 303 || r.headers.location !== '/') throw new Error(`sign-in failed (status ${r.status})`);
}

// The page and the style sheets and scripts it names, each fetched once.
async function pageBytes(client, urlPath) {
  const page = await client.request('GET', urlPath);
  const html = page.body.toString();
  const out = { status: page.status, html: page.body.length, css: 0, js: 0 };
  const refs = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => ['css', m[1]])
    .concat([...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) => ['js', m[1]]));
  const seen = new Set();
  for (const [kind, href] of refs) {
    if (seen.has(href)) continue;
    seen.add(href);
    out[kind] += (await client.request('GET', href)).body.length;
  }
  return out;
}

const fmt = (n) => (n / 1024).toFixed(1).padStart(8) + ' KiB';

const county = new County({ scale: tiny ? 'tiny' : 'full', seed: 2026 });
let failed = false;
try {
  const t0 = Date.now();
  county.prepare();
  county.addUser(USER);
  await county.start();
  console.log(`web_page_bench: ${county.demoSummary.trim()} (set up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const client = new Client(county.url, readFileSync(path.join(county.dir, 'ca.crt')));
  await signIn(client);

  // The dashboard: one warm-up GET, then GETS timed ones.
  await client.request('GET', '/');
  const trips = [];
  for (let i = 0; i < GETS; ++i) trips.push((await client.request('GET', '/')).ms);
  await new Promise((r) => setTimeout(r, 200));  // let the last access lines reach the log
  const server = county.serverTimes('/').slice(-GETS);
  const m = median(server);
  console.log(`dashboard / server-side render: median ${m.toFixed(1)} ms of ${server.length} GETs` +
              ` (round trip median ${median(trips).toFixed(1)} ms); budget ${RENDER_BUDGET_MS} ms: ` +
              (m <= RENDER_BUDGET_MS ? 'within' : 'OVER'));

  // Every page: a township and a case from the pages themselves.
  const cases = (await client.request('GET', '/cases')).body.toString();
  const firstCase = cases.match(/href="(\/cases\/\d{16}[\dX])"/)?.[1];
  const dash = (await client.request('GET', '/')).body.toString();
  const township = dash.match(/href="(\/townships\/\d{9})[^"]*"/)?.[1] || '/townships/230523104';
  const pages = ['/login', '/', '/townships', township, '/cases', firstCase, '/follow-ups', '/complaints', '/alerts',
                 '/samples', '/scorecard', '/fleet', '/users'].filter(Boolean);
  console.log(`page bytes (HTML + CSS + JS), budget ${(BYTES_BUDGET / 1024 / 1024).toFixed(1)} MB each:`);
  for (const p of pages) {
    const b = await pageBytes(p === '/login' ? new Client(county.url, client.ca) : client, p);
    const total = b.html + b.css + b.js;
    console.log(`  ${p.padEnd(28)} ${String(b.status).padStart(3)}  html ${fmt(b.html)}  css ${fmt(b.css)}  js ${fmt(b.js)}` +
                `  total ${fmt(total)}  ${total <= BYTES_BUDGET ? 'within' : 'OVER'}`);
  }
} catch (e) {
  console.error(`web_page_bench: ${e.message}`);
  failed = true;
} finally {
  await county.stop();
}
process.exit(failed ? 1 : 0);
