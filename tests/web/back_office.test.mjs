// back_office.test.mjs — the county back office in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded), against a county server of its own with a demo year (small scale):
// sign-in, the dashboard's headline figures and their drill-downs, a township from the ranking, the 办件 list and a
// case, a casework step recorded by township staff through the case page's form (seen on the timeline, in the audit
// trail and in the list's counts), CSV and XLSX exports downloaded by the browser, the figure pages, sign-out.
// Screenshots at 1366×768 go to $YIMEN_SCREENSHOT_DIR (ctest: build/web-screenshots/).
// Run: node --test tests/web/   (ctest -L web runs it with the build's paths).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { County, chromiumPath, loadPlaywright, repoRoot, requireChromium } from './county_fixture.mjs';

const shotDir = process.env.YIMEN_SCREENSHOT_DIR || path.join(repoRoot, 'build', 'web-screenshots');
const viewport = { width: 1366, height: 768 };
const COUNTY_USER = { id: 'web-county', name: '县局测试员', role: 'county-staff', password: '县级-浏览器测试-2026' };
const TOWNSHIP_PASSWORD = '乡镇-浏览器测试-2026';
const FIGURES = ['timeliness', 'satisfaction', 'awareness', 'complaints', 'follow_ups', 'alerts'];
// Township steps a township user may record with the form, tried in order until the demo year has a case for one.
const STEPS = [
  { programme: 'dibao', from: 'investigation_started', to: 'household_visit_done', investigators: true },
  { programme: 'dibao', from: 'accepted', to: 'investigation_started' },
  { programme: 'linshi_zhichu', from: 'investigation_started', to: 'household_visit_done', investigators: true },
  { programme: 'linshi_zhichu', from: 'accepted', to: 'investigation_started' },
  { programme: 'tekun', from: 'investigation_started', to: 'household_visit_done', investigators: true },
  { programme: 'tekun', from: 'accepted', to: 'investigation_started' },
  { programme: 'dibao', from: 'publicity_started', to: 'publicity_ended' },
];

let county, browser, pw;

async function shot(page, name) {
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

async function signIn(context, user, password) {
  const page = await context.newPage();
  const r = await page.goto(`${county.url}/login`);
  assert.equal(r.status(), 200, `/login answers 200: ${(await page.locator('body').innerText()).slice(0, 200)}\n` +
               county.log.split('\n').filter((l) => !l.startsWith('access ')).join('\n'));
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login') || u.search !== ''), page.click('form[action="/login"] button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/', `sign-in as ${user} should land on the dashboard`);
  return page;
}

async function newContext() {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport, acceptDownloads: true, locale: 'zh-CN' });
}

// "共 N 件" of the 办件 list with these filters.
async function caseCount(page, query) {
  const r = await page.goto(`${county.url}/cases?${query}`);
  assert.equal(r.status(), 200);
  const m = (await page.locator('p.summary').innerText()).match(/共\s*(\d+)\s*件/);
  assert.ok(m, 'the case list shows its count');
  return Number(m[1]);
}

// A figure page: answers 200 with a heading, screenshot either way (so a person can see what a failure looked like).
async function figurePage(page, urlPath, name) {
  const r = await page.goto(`${county.url}${urlPath}`);
  await shot(page, name);
  assert.equal(r.status(), 200, `${urlPath} answers 200`);
  assert.ok((await page.locator('main h1').innerText()).trim().length > 0, `${urlPath} has a heading`);
  assert.notEqual(new URL(page.url()).pathname, '/login', `${urlPath} keeps the session`);
}

before(async () => {
  requireChromium();
  pw = await loadPlaywright();
  rmSync(shotDir, { recursive: true, force: true });
  mkdirSync(shotDir, { recursive: true });
  county = new County({ scale: 'small', seed: 2026 });
  county.prepare();
  county.addUser(COUNTY_USER);
  await county.start();
  browser = await pw.chromium.launch({ executablePath: chromiumPath, headless: true,
                                       args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  if (county) await county.stop();
});

describe('county staff', () => {
  let context, page;
  before(async () => { context = await newContext(); });
  after(async () => { if (context) await context.close(); });

  test('sign-in: the form, a wrong password refused, then the dashboard', async () => {
    const p = await context.newPage();
    await p.goto(`${county.url}/cases`);
    assert.equal(new URL(p.url()).pathname, '/login', 'without a session a page leads to /login');
    await assert.doesNotReject(p.locator('input[name=csrf_token]').waitFor({ state: 'attached' }));
    await shot(p, '01-login');
    await p.fill('input[name=username]', COUNTY_USER.id);
    await p.fill('input[name=password]', 'not-the-password-at-all');
    await Promise.all([p.waitForLoadState('load'), p.click('form[action="/login"] button[type=submit]')]);
    await p.locator('p.error').waitFor();
    assert.equal(new URL(p.url()).pathname, '/login');
    await p.close();
    page = await signIn(context, COUNTY_USER.id, COUNTY_USER.password);
    assert.ok((await page.locator('header .who').innerText()).includes(COUNTY_USER.name));
  });

  test('dashboard: every headline figure has a value and links to its drill-down', async () => {
    await page.goto(`${county.url}/`);
    await shot(page, '02-dashboard');
    const links = {};
    for (const key of FIGURES) {
      const el = page.locator(`[data-figure="${key}"]`).first();
      assert.equal(await page.locator(`[data-figure="${key}"]`).count() >= 1, true, `data-figure="${key}" on /`);
      assert.match(await el.innerText(), /\d/, `data-figure="${key}" shows a value`);
      // The element is the link, or holds it.
      const href = await el.evaluate((n) => (n.closest('a') || n.querySelector('a'))?.getAttribute('href') ?? '');
      assert.ok(href && href !== '#' && href !== '/', `data-figure="${key}" links to a drill-down (got "${href}")`);
      links[key] = href;
    }
    for (const [key, href] of Object.entries(links)) {
      const r = await page.goto(new URL(href, county.url).href);
      assert.equal(r.status(), 200, `the drill-down of ${key} (${href}) answers 200`);
    }
  });

  test('township drill-down from the ranking', async () => {
    await page.goto(`${county.url}/`);
    const link = page.locator('a[href^="/townships/"]').first();
    assert.ok(await page.locator('a[href^="/townships/"]').count() > 0, 'the dashboard ranks townships with links');
    await Promise.all([page.waitForURL(/\/townships\/\d{9}/), link.click()]);
    await shot(page, '03-township');
    const code = new URL(page.url()).pathname.split('/')[2];
    assert.match(code, /^\d{9}$/);
    assert.ok((await page.locator('main').innerText()).length > 0);
  });

  test('办件 list and a case', async () => {
    const r = await page.goto(`${county.url}/cases`);
    assert.equal(r.status(), 200);
    await shot(page, '04-cases');
    assert.ok(await page.locator('table.cases tbody tr a').count() > 0, 'the demo year lists cases');
    const first = page.locator('table.cases tbody tr a').first();
    const grouped = (await first.innerText()).trim();
    await Promise.all([page.waitForURL(/\/cases\/\d{16}[\dX]$/), first.click()]);
    await shot(page, '05-case-detail');
    assert.ok((await page.locator('main h1').innerText()).includes(grouped), 'the case page is the case clicked');
    for (const heading of ['办理时间线', '评价与投诉', '操作记录'])
      assert.ok(await page.locator('main h2', { hasText: heading }).count() === 1, `the case page has ${heading}`);
    assert.ok(await page.locator('main table.grid').first().locator('tbody tr').count() >= 1, 'the timeline has rows');
  });

  test('exports from /cases: CSV with BOM and header row, XLSX a zip', async () => {
    await page.goto(`${county.url}/cases`);
    const listed = Number((await page.locator('p.summary').innerText()).match(/共\s*(\d+)\s*件/)[1]);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('a', { hasText: '导出 CSV' }).first().click()]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const bytes = readFileSync(await csv.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 BOM');
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l.length > 0);
    assert.match(lines[0], /^办件编号,/, 'the first row is the header');
    assert.equal(lines.length - 1, listed, 'the CSV holds every listed case, not one page');
    assert.match(lines[1], /^\d{16}[\dX],/, 'a 办件编号 is written without spaces');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('a', { hasText: '导出 Excel' }).first().click()]);
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
    const x = readFileSync(await xlsx.path());
    assert.equal(x.subarray(0, 2).toString('latin1'), 'PK', 'the XLSX is a zip');
    assert.ok(x.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'the zip holds a worksheet');
  });

  test('figure pages: follow-ups, complaints, alerts, samples, scorecard, fleet', async () => {
    const pages = [['/follow-ups', '07-follow-ups'], ['/complaints', '08-complaints'], ['/alerts', '09-alerts'],
                   ['/samples', '10-samples'], ['/scorecard', '11-scorecard'], ['/fleet', '12-fleet']];
    const failures = [];
    for (const [p, name] of pages) {
      try { await figurePage(page, p, name); } catch (e) { failures.push(e.message); }
    }
    assert.deepEqual(failures, [], 'every figure page opens');
  });

  test('sign-out ends the session', async () => {
    await page.goto(`${county.url}/cases`);
    await Promise.all([page.waitForURL(/\/login$/), page.locator('header form[action="/logout"] button').click()]);
    await page.goto(`${county.url}/cases`);
    assert.equal(new URL(page.url()).pathname, '/login', 'after sign-out a page leads to /login again');
  });
});

describe('township staff', () => {
  let context, page, step, township, townshipName, receipt, otherReceipt;

  before(async () => {
    // A county user finds a township with a case waiting for one of STEPS; its township user is added then.
    const scout = await newContext();
    const p = await signIn(scout, COUNTY_USER.id, COUNTY_USER.password);
    for (const s of STEPS) {
      await p.goto(`${county.url}/cases?programme=${s.programme}&stage=${s.from}`);
      const row = p.locator('table.cases tbody tr').filter({ has: p.locator('a') }).first();
      if (await row.count() === 0) continue;
      step = s;
      // The list shows the township's name; its code is the value of the filter's option of that name.
      townshipName = (await row.locator('td').nth(1).innerText()).trim();
      const options = await p.locator('select[name="township"] option').all();
      for (const o of options) if ((await o.innerText()).trim() === townshipName) township = await o.getAttribute('value');
      assert.match(township ?? '', /^\d{9}$/, `the township filter offers ${townshipName} with its code`);
      break;
    }
    if (step) {
      await p.goto(`${county.url}/cases`);
      for (const row of await p.locator('table.cases tbody tr').all()) {
        if ((await row.locator('td').nth(1).innerText()).trim() === townshipName) continue;
        otherReceipt = (await row.locator('a').first().getAttribute('href')).split('/')[2];
        break;
      }
    }
    await scout.close();
    assert.ok(step, 'the demo year has a case waiting for a township step');
    county.addUser({ id: `web-${township.slice(-3)}`, name: '乡镇测试员', role: 'township-staff', township,
                     password: TOWNSHIP_PASSWORD });
    context = await newContext();
    page = await signIn(context, `web-${township.slice(-3)}`, TOWNSHIP_PASSWORD);
  });
  after(async () => { if (context) await context.close(); });

  test('records the next legal stage through the case form; timeline, audit trail and counts follow', async () => {
    const base = `programme=${step.programme}`;
    const fromBefore = await caseCount(page, `${base}&stage=${step.from}`);
    const toBefore = await caseCount(page, `${base}&stage=${step.to}`);
    assert.ok(fromBefore >= 1);
    await page.goto(`${county.url}/cases?${base}&stage=${step.from}`);
    const link = page.locator('table.cases tbody tr a').first();
    receipt = (await link.getAttribute('href')).split('/')[2];
    await link.click();
    await page.waitForURL(new RegExp(`/cases/${receipt}$`));
    const timelineRows = await page.locator('main table.grid').first().locator('tbody tr').count();

    const form = page.locator('details.stage-form').filter({ has: page.locator(`input[name=stage][value="${step.to}"]`) });
    assert.equal(await form.count(), 1, `the case page offers the form for ${step.to}`);
    const stageName = (await form.locator('summary').innerText()).replace(/^登记：/, '').trim();
    await form.locator('summary').click();
    const date = await form.locator('input[name=date]').inputValue();
    if (step.investigators) await form.locator('input[name="field.investigators"]').fill('张伟、刘洋');
    for (const box of await form.locator('input[name=documents]').all()) await box.check();
    await Promise.all([page.waitForURL(/\?recorded=/), form.locator('button[type=submit]').click()]);
    await shot(page, '06-casework-result');

    assert.ok((await page.locator('p.notice').innerText()).includes(stageName), 'the page confirms the step');
    const rows = page.locator('main table.grid').first().locator('tbody tr');
    assert.equal(await rows.count(), timelineRows + 1, 'the timeline has one more row');
    const last = rows.last();
    assert.equal((await last.locator('td').nth(0).innerText()).trim(), stageName);
    assert.equal((await last.locator('td').nth(1).innerText()).trim(), date);
    const audit = page.locator('main table.grid').last();
    assert.ok(await audit.locator('tr', { hasText: 'stage.recorded' }).count() >= 1, 'the audit trail shows the step');
    assert.ok((await page.locator('main dl.facts').innerText()).includes(stageName), 'the current stage is the new one');

    // The list's counts by stage move by one.
    assert.equal(await caseCount(page, `${base}&stage=${step.from}`), fromBefore - 1);
    assert.equal(await caseCount(page, `${base}&stage=${step.to}`), toBefore + 1);
  });

  test('sees only the own township: the list, and another township\'s case is not found', async () => {
    const r = await page.goto(`${county.url}/cases`);
    assert.equal(r.status(), 200);
    const own = await page.locator('table.cases tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(own.length > 0 && own.every((t) => t.trim() === townshipName), 'the list holds only the own township');
    assert.ok(otherReceipt, 'the county list holds a case of another township');
    const o = await page.goto(`${county.url}/cases/${otherReceipt}`);
    assert.equal(o.status(), 404, 'a case of another township is simply not found');
    assert.ok((await page.locator('main').innerText()).includes('没有这个办件'));
  });

  test('the own township\'s drill-down opens for township staff', async () => {
    const t = await page.goto(`${county.url}/townships/${township}`);
    assert.equal(t.status(), 200, `/townships/${township} answers 200`);
    assert.ok((await page.locator('main h1').innerText()).trim().length > 0);
  });
});

test('at least five screenshots at 1366×768', () => {
  const files = readdirSync(shotDir).filter((f) => f.endsWith('.png'));
  assert.ok(files.length >= 5, `screenshots in ${shotDir}: ${files.join(', ')}`);
  for (const f of files) {
    const png = readFileSync(path.join(shotDir, f));
    assert.equal(png.readUInt32BE(16), viewport.width, `${f} width`);
    assert.equal(png.readUInt32BE(20), viewport.height, `${f} height`);
  }
});
