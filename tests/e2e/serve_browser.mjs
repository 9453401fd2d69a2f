// The task page of `kit serve` in a real browser: playwright-core (npm, ./node_modules at the
// repository root) drives Debian's /usr/bin/chromium headless against `kit serve --db TMP -p 0`.
// Add (type + Enter), done and back to pending, filter, delete, reload, a second page following
// the first live over /ws, and the page reconnecting to a restarted server; a screenshot is kept.
//
//   node tests/e2e/serve_browser.mjs --kit build/asan/src/cli/kit --screenshot build/serve.png
//
// --kit is any program that takes `serve --db FILE -p PORT` (tests/e2e/serve_page_standin.py
// runs the page on Starlette). Waits are playwright's own (waitFor, waitForFunction,
// waitForResponse): no fixed sleeps. --timeout (s) bounds the whole run.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    kit: { type: 'string' },
    screenshot: { type: 'string', default: process.env.KIT_SCREENSHOT ?? 'serve_browser.png' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    timeout: { type: 'string', default: '240' },
    page: { type: 'string', default: '/' }, // where the page is (a copy under --static, say)
  },
});
if (!opts.kit) {
  console.error('usage: serve_browser.mjs --kit PATH [--screenshot FILE] [--chromium PATH] [--timeout S] [--page /PATH]');
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  console.error(`FAIL: playwright-core is not installed (${err.code ?? err.message}).\n` +
    'Run scripts/install-deps.sh (it runs `npm ci` at the repository root).');
  process.exit(1);
}

const STEP_TIMEOUT = 30_000; // any single wait; the global --timeout bounds the run
const servers = new Set();
let browser = null;
let step = 'start';
const workDir = mkdtempSync(path.join(tmpdir(), 'kit-serve-browser-'));
const db = path.join(workDir, 'tasks.db');

const watchdog = setTimeout(() => {
  console.error(`FAIL: timed out after ${opts.timeout} s in step: ${step}`);
  for (const s of servers) s.proc.kill('SIGKILL');
  for (const s of servers) s.dump();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
}, Number(opts.timeout) * 1000);

function log(name) {
  step = name;
  console.log(`-- ${name}`);
}

function check(ok, message) {
  if (!ok) throw new Error(message);
}

// One `kit serve`: its stdout is read to the end (the access log must never fill the pipe).
class Server {
  constructor(port) {
    this.stdout = [];
    this.stderr = '';
    this.proc = spawn(opts.kit, ['serve', '--db', db, '-p', String(port)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.add(this);
    this.name = `kit serve #${servers.size}`;
    this.closed = new Promise((resolve) => {
      this.proc.on('close', (code, signal) => resolve({ code, signal }));
      this.proc.on('error', (err) => resolve({ code: null, signal: null, err }));
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (s) => { this.stderr = (this.stderr + s).slice(-20000); });
    this.listening = new Promise((resolve, reject) => {
      createInterface({ input: this.proc.stdout }).on('line', (line) => {
        if (this.stdout.push(line) > 400) this.stdout.splice(1, 1);
        if (this.stdout.length !== 1) return;
        const m = /^Listening on (http:\/\/\S+)$/.exec(line);
        if (m) resolve(m[1]);
        else reject(new Error(`first stdout line is not "Listening on http://HOST:PORT": ${JSON.stringify(line)}`));
      });
      this.closed.then(({ code, signal, err }) => reject(new Error(
        `${opts.kit} serve ended before listening (${err?.message ?? `exit ${code ?? signal}`})`)));
    });
  }

  static async start(port = 0) {
    const server = new Server(port);
    server.url = await server.listening;
    server.port = Number(new URL(server.url).port);
    check(server.port > 0, `no port in ${server.url}`);
    return server;
  }

  async stop() {
    this.proc.kill('SIGTERM');
    const { code, signal } = await this.closed;
    check(code === 0, `kit serve exit after SIGTERM: ${code ?? signal}, expected 0`);
  }

  dump() {
    console.error(`${this.name} stdout (last lines):\n  ${this.stdout.slice(-40).join('\n  ')}`);
    if (this.stderr) console.error(`${this.name} stderr:\n${this.stderr}`);
  }
}

async function api(server, method, urlPath, body) {
  const res = await fetch(server.url + urlPath, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

// The titles the page lists, in order, once its list request (if any) has come back.
async function expectTitles(page, titles, what) {
  try {
    await page.waitForFunction((want) => {
      const list = document.getElementById('tasks');
      if (list.getAttribute('aria-busy') === 'true') return false;
      const got = [...list.querySelectorAll('li label')].map((l) => l.textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, titles, { timeout: STEP_TIMEOUT });
  } catch {
    const got = await page.$$eval('#tasks li label', (ls) => ls.map((l) => l.textContent));
    throw new Error(`${what}: expected the titles ${JSON.stringify(titles)}, the page lists ${JSON.stringify(got)}`);
  }
}

async function expectLive(page) {
  await page.locator('#conn[data-state="live"]').waitFor();
  await page.locator('#tasks[aria-busy="false"]').waitFor();
}

async function expectError(page, text) {
  const alert = page.getByRole('alert');
  await alert.waitFor({ state: 'visible' });
  await page.waitForFunction((t) => document.getElementById('error').textContent.includes(t), text,
    { timeout: STEP_TIMEOUT });
}

async function apiTitles(server, query = '') {
  const { status, json } = await api(server, 'GET', `/tasks${query}`);
  check(status === 200, `GET /tasks${query}: ${status}`);
  return json.tasks.map((t) => t.title);
}

const row = (page, title) => page.locator('#tasks li').filter({ has: page.getByText(title, { exact: true }) });
const doneBox = (page, title) => page.getByRole('checkbox', { name: title, exact: true });

async function run() {
  const MILK = 'Buy milk';
  const REPORT = 'Write report';
  const HTML = '<img src=x onerror="window.__injected=1"> & <b>bold</b>';
  const UTF8 = 'Café ☕ — déjà vu, Ωμέγα';
  const LIVE = 'Seen live on the second page';
  const AFTER = 'Added after the restart';
  const BACK = 'Back online';

  log(`kit serve --db ${db} -p 0`);
  let server = await Server.start();
  console.log(`   ${server.url}`);

  log('chromium');
  browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  log(`the page at ${opts.page}`);
  const res = await page.goto(server.url + opts.page);
  check(res.status() === 200, `GET /: ${res.status()}`);
  check((res.headers()['content-type'] ?? '').startsWith('text/html'), `GET / content-type: ${res.headers()['content-type']}`);
  await expectLive(page);
  await expectTitles(page, [], 'a new database');
  check(await page.$eval('form', (f) => f.elements[0].name) === 'title', 'the form\'s first field is not <input name="title">');
  const input = page.locator('form input[name="title"]');

  log('Enter on an empty title shows the API\'s error');
  await input.press('Enter');
  await expectError(page, 'title is required');

  log('add tasks: type a title, press Enter');
  await input.pressSequentially(MILK);
  await input.press('Enter');
  await expectTitles(page, [MILK], 'after adding one');
  await page.waitForFunction(() => document.querySelector('form input[name="title"]').value === '');
  await page.getByRole('alert').waitFor({ state: 'hidden' });
  for (const title of [REPORT, HTML, UTF8]) {
    await input.fill(title);
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelector('form input[name="title"]').value === '');
  }
  await expectTitles(page, [MILK, REPORT, HTML, UTF8], 'after adding four');
  check(JSON.stringify(await apiTitles(server)) === JSON.stringify([MILK, REPORT, HTML, UTF8]), 'the API does not list the four');
  check(await page.locator('#tasks img, #tasks b').count() === 0, 'a title was rendered as HTML');
  check(await page.evaluate(() => window.__injected) === undefined, 'a title ran as HTML');

  log('mark done, back to pending, done again');
  await doneBox(page, MILK).check();
  await row(page, MILK).and(page.locator('[data-status="done"]')).waitFor();
  check(JSON.stringify(await apiTitles(server, '?status=done')) === JSON.stringify([MILK]), 'PUT done did not reach the API');
  await doneBox(page, MILK).uncheck();
  await row(page, MILK).and(page.locator('[data-status="pending"]')).waitFor();
  check((await apiTitles(server, '?status=done')).length === 0, 'PUT pending did not reach the API');
  await doneBox(page, MILK).check();
  await row(page, MILK).and(page.locator('[data-status="done"]')).waitFor();
  check(JSON.stringify(await apiTitles(server, '?status=done')) === JSON.stringify([MILK]), 'PUT done (again) did not reach the API');

  log('filter: pending hides it, done shows it, all');
  const filter = page.getByLabel('Show');
  for (const [status, titles] of [['pending', [REPORT, HTML, UTF8]], ['done', [MILK]], ['', [MILK, REPORT, HTML, UTF8]]]) {
    const listed = page.waitForResponse((r) => {
      const u = new URL(r.url());
      return u.pathname === '/tasks' && u.search === (status ? `?status=${status}` : '') && r.request().method() === 'GET';
    });
    await filter.selectOption({ label: status || 'all' });
    check((await listed).status() === 200, `GET /tasks?status=${status} failed`);
    await expectTitles(page, titles, `filter "${status || 'all'}"`);
  }

  log('delete another');
  await page.getByRole('button', { name: `Delete “${REPORT}”` }).click();
  await expectTitles(page, [MILK, HTML, UTF8], 'after the delete');
  check(JSON.stringify(await apiTitles(server)) === JSON.stringify([MILK, HTML, UTF8]), 'DELETE did not reach the API');

  log('reload: the done task is still there');
  await page.reload();
  await expectLive(page);
  await expectTitles(page, [MILK, HTML, UTF8], 'after the reload');
  check(await doneBox(page, MILK).isChecked(), `"${MILK}" is not done after the reload`);

  log('a second page follows the first live over /ws');
  const page2 = await context.newPage();
  page2.on('pageerror', (err) => pageErrors.push(String(err)));
  await page2.goto(server.url + opts.page);
  await expectLive(page2);
  await expectTitles(page2, [MILK, HTML, UTF8], 'the second page');
  const page2Lists = [];
  page2.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/tasks')) page2Lists.push(r.url()); });
  await input.fill(LIVE);
  await input.press('Enter');
  await expectTitles(page2, [MILK, HTML, UTF8, LIVE], 'the second page after a create on the first');
  await doneBox(page, LIVE).check();
  await row(page2, LIVE).and(page2.locator('[data-status="done"]')).waitFor();
  await page.getByRole('button', { name: `Delete “${HTML}”` }).click();
  await expectTitles(page2, [MILK, UTF8, LIVE], 'the second page after a delete on the first');
  check(page2Lists.length === 0, `the second page fetched instead of following /ws: ${page2Lists.join(', ')}`);

  log('SIGTERM with two pages connected: exit 0');
  const port = server.port;
  await server.stop();
  await page.locator('#conn[data-state="offline"]').waitFor();
  await input.fill('Nobody listens');
  await input.press('Enter');
  await expectError(page, 'Cannot reach the server');

  log(`restart on port ${port}: the pages reconnect and re-fetch`);
  server = await Server.start(port);
  const { status } = await api(server, 'POST', '/tasks', { title: AFTER });
  check(status === 201, `POST /tasks after the restart: ${status}`);
  for (const p of [page, page2]) {
    await expectLive(p);
    await expectTitles(p, [MILK, UTF8, LIVE, AFTER], 'after the restart');
  }
  check(await doneBox(page, MILK).isChecked(), `"${MILK}" is not done after the restart`);
  await page.getByRole('alert').waitFor({ state: 'hidden' }); // "Cannot reach" went on reconnect
  await input.fill(BACK);
  await input.press('Enter');
  await expectTitles(page2, [MILK, UTF8, LIVE, AFTER, BACK], 'the second page after the restart');
  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);

  log(`screenshot: ${opts.screenshot}`);
  mkdirSync(path.dirname(path.resolve(opts.screenshot)), { recursive: true });
  await page.screenshot({ path: opts.screenshot, fullPage: true });

  log('close the browser, SIGTERM: exit 0');
  await browser.close();
  browser = null;
  await server.stop();
}

let failed = false;
try {
  await run();
} catch (err) {
  failed = true;
  console.error(`FAIL in step "${step}": ${err.stack ?? err}`);
  for (const s of servers) s.dump();
  if (browser) {
    const [first] = browser.contexts().flatMap((c) => c.pages());
    if (first) {
      const shot = opts.screenshot.replace(/(\.png)?$/, '.failed.png');
      await first.screenshot({ path: shot, fullPage: true }).then(() => console.error(`screenshot: ${shot}`), () => {});
    }
  }
} finally {
  await browser?.close().catch(() => {});
  for (const s of servers) s.proc.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
if (!failed) console.log('PASS');
process.exit(failed ? 1 : 0);
