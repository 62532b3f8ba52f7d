// county_fixture.mjs — a county server of its own for the browser tests and the page bench: a temporary directory
// with a fresh PKI, a demo year from `county-server demo-data`, users with back-office passwords, and
// `county-server serve` on a free port (127.0.0.1:0; the port is read from the "listening on" line). Also the
// checks that the tools exist, so a missing chromium or playwright-core fails with a message saying what to do.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binDir = process.env.YIMEN_BIN_DIR || path.join(repoRoot, 'build', 'bin');
export const assetsDir = process.env.YIMEN_ASSETS || path.join(repoRoot, 'assets');
export const chromiumPath = process.env.YIMEN_CHROMIUM || '/usr/bin/chromium';

// playwright-core from tests/web/node_modules (installed by ./yimen setup), or an error that says so.
export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error('playwright-core is not installed in tests/web/node_modules: run ./yimen setup ' +
                    `(it runs npm ci --prefix tests/web). (${e.message})`);
  }
}

export function requireChromium() {
  if (!existsSync(chromiumPath))
    throw new Error(`chromium is missing (${chromiumPath}): install Debian's chromium package with ./yimen setup, ` +
                    'or point YIMEN_CHROMIUM at a Chromium binary. The browser tests do not download a browser.');
}

function run(args, input) {
  const exe = path.join(binDir, 'county-server');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: build it first (./yimen build)`);
  const r = spawnSync(exe, args, { input, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`county-server ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export class County {
  // scale: full | small | tiny (county-server demo-data --scale); seed: the generator's seed.
  constructor({ scale = 'small', seed = 2026 } = {}) {
    this.scale = scale;
    this.seed = seed;
    this.tmp = mkdtempSync(path.join(tmpdir(), 'yimen-web-'));
    this.dir = path.join(this.tmp, 'county');
    this.server = null;
    this.port = 0;
    this.log = '';
  }

  get url() { return `https://127.0.0.1:${this.port}`; }

  prepare() {
    run(['pki', 'init', '--dir', this.dir]);
    this.demoSummary = run(['demo-data', '--dir', this.dir, '--seed', String(this.seed), '--months', '12',
                            '--scale', this.scale, '--assets', assetsDir]).split('\n')[0];
  }

  // A user with a back-office password (read from standard input, as an operator would type it).
  addUser({ id, name, role, township = '', password }) {
    const args = ['users', 'add', '--dir', this.dir, '--id', id, '--name', name, '--role', role, '--password'];
    if (township) args.push('--township', township);
    run(args, password + '\n');
  }

  start() {
    return new Promise((resolve, reject) => {
      const exe = path.join(binDir, 'county-server');
      this.server = spawn(exe, ['serve', '--dir', this.dir, '--listen', '127.0.0.1:0', '--assets', assetsDir],
                          { stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => reject(new Error(`county-server did not start within 20 s:\n${this.log}`)), 20000);
      const onData = (chunk) => {
        this.log += chunk.toString();
        const m = this.log.match(/listening on https:\/\/[^\s]*:(\d+)/);
        if (m && !this.port) {
          this.port = Number(m[1]);
          clearTimeout(timer);
          resolve();
        }
      };
      this.server.stdout.on('data', onData);
      this.server.stderr.on('data', onData);
      this.server.on('exit', (code) => {
        if (!this.port) {
          clearTimeout(timer);
          reject(new Error(`county-server exited (${code}) before listening:\n${this.log}`));
        }
      });
    });
  }

  // Access-log lines of one route pattern: their server-side times in ms (the log's ms= field).
  serverTimes(route) {
    const out = [];
    for (const line of this.log.split('\n')) {
      const m = line.match(/^access method=GET route=(\S+) status=(\d+) .*ms=([\d.]+)/);
      if (m && m[1] === route && m[2] === '200') out.push(Number(m[3]));
    }
    return out;
  }

  async stop() {
    if (this.server && this.server.exitCode === null) {
      const exited = new Promise((r) => this.server.once('exit', r));
      this.server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 25000))]);
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
