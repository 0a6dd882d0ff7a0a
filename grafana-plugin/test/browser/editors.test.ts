/**
 * The editors of the built dist/module.js in headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core), inside @grafana/ui's ThemeContext with Grafana's dark theme: a person's
 * clicks go through a query (type, pair, timeframe, window, live) and the query model shown
 * under the editor changes with each. Screenshots go to test-output/screenshots/ for a person
 * to look at. It runs once per Grafana version the plugin claims (jest.config.js): on the
 * @grafana 13.1.1 packages it is built with (project browser), and on Grafana 11.5.0's with
 * React 18.2.0 (project browser-grafana-11.5, test/compat; screenshots-grafana-11.5/).
 */
import fs from 'fs';
import type { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { loadConfig } from 'collector/src/config';
import { log } from 'collector/src/log';
import { startCollector, type Collector } from 'collector/src/main';
import { startFakeBinance, type FakeBinance } from 'collector/src/fake-binance';
import { startEmulator, type Emulator } from '../emulator';
import { harnessDir } from './globalSetup';
import { optionalMissing, startServer, type TestServer } from './server';

const ROOT = path.resolve(__dirname, '..', '..');
/** The older Grafana whose shared modules the page runs on (jest.config.js browser-<version> projects), or undefined. */
const COMPAT = (globalThis as { grafanaCompat?: string }).grafanaCompat;
const { expectedVersions, nodeModules } = require('../compat') as {
  expectedVersions(name?: string): Record<string, string>;
  nodeModules(name: string): string;
};
const SHOTS = path.join(ROOT, 'test-output', COMPAT ? `screenshots-${COMPAT}` : 'screenshots');

const TOKEN = 'browser-token';
let fake: FakeBinance;
let collector: Collector;
let emu: Emulator;
let server: TestServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const pageErrors: string[] = [];
const missing: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  // The lists in the editor come from the real chain: page -> emulated Grafana -> backend
  // executable (CallResource) -> collector API (its configured pairs; no trades needed).
  log.configure({ level: 'error' });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-browser-'));
  fake = await startFakeBinance({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], rate: 0 });
  collector = await startCollector(
    loadConfig({
      PAIRS: 'ETHUSDT/BTCUSDT,SOLUSDT/ETHUSDT',
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_REST_URL: fake.restUrl,
      DB_PATH: path.join(profile, 'collector.db'),
      HOST: '127.0.0.1',
      PORT: '0',
      API_TOKEN: TOKEN,
    }),
  );
  const collectorUrl = `http://127.0.0.1:${(collector.server!.address() as AddressInfo).port}`;
  emu = await startEmulator({
    pluginDir: path.join(ROOT, 'dist'),
    dataSource: { uid: 'pairs', jsonData: { collectorUrl }, secureJsonData: { apiToken: TOKEN } },
  });
  server = await startServer({
    harnessDir: harnessDir(COMPAT),
    distDir: path.join(ROOT, 'dist'),
    api: emu.url,
    uiDir: COMPAT ? path.join(nodeModules(COMPAT), '@grafana', 'ui') : undefined,
    grafanaVersion: expectedVersions(COMPAT)['@grafana/data'],
  });
  context = await chromium.launchPersistentContext(path.join(profile, 'chromium'), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 960, height: 1000 },
    deviceScaleFactor: 1,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e)));
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && !optionalMissing(u.pathname)) {
      missing.push(`${r.status()} ${u.pathname}`);
    }
  });
  page.on('console', (m) => {
    // Failed requests are checked by URL above (fonts may be missing on purpose).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      pageErrors.push(m.text());
    }
  });
  await page.goto(server.url + '/');
  await page
    .getByTestId('pairs-query-editor')
    .waitFor({ timeout: 30000 })
    .catch((e: Error) => {
      // Say why the editor did not show: the page's own errors, not only the timeout.
      throw new Error(`${e.message}\npage errors: ${JSON.stringify(pageErrors, null, 1)}\nfailed requests: ${JSON.stringify(missing)}`);
    });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  await emu?.stop();
  await collector?.stop();
  await fake?.stop();
  log.configure({ level: 'warn' });
  if (profile) {
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

/** The JSON a test id's element shows (the query model, the variable query, the options). */
async function shown(p: Page, testId: string): Promise<Record<string, unknown>> {
  return JSON.parse((await p.getByTestId(testId).textContent()) ?? '{}');
}

/**
 * Runs `check` until it passes, for up to 10 s: a click's state change reaches the page a few
 * frames later (React's update, the Combobox closing its menu), so a read right after the click
 * can see the state before it under load. A change that never comes still fails, with the
 * last assertion's message.
 */
async function eventually(p: Page, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await p.waitForTimeout(50);
  }
}

/** Waits until the query model shown under the editor has every field of `want`. */
const modelHas = (p: Page, want: Record<string, unknown>) => eventually(p, async () => expect(await shown(p, 'query-json')).toMatchObject(want));
/** Waits until the query model shown under the editor is exactly `want`. */
const modelIs = (p: Page, want: Record<string, unknown>) => eventually(p, async () => expect(await shown(p, 'query-json')).toEqual(want));

describe('editors from dist/module.js in Chromium', () => {
  it('loads module.js through the AMD externals and renders both editors in the dark theme', async () => {
    expect(server.requests).toContain('GET /public/plugins/quant-pairs-datasource/module.js');
    // The page's @grafana packages and React are the ones this project runs against.
    expect(await page.evaluate(() => (window as unknown as { Harness: { versions: Record<string, string> } }).Harness.versions)).toEqual(
      expectedVersions(COMPAT),
    );
    // Grafana's dark theme paints the page with background.canvas (#111217 in @grafana/data 13).
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(17, 18, 23)');
    await page.getByTestId('pairs-config-editor').waitFor();
    // The new query is the data source's default query, as Grafana starts a panel.
    await modelIs(page, { refId: 'A', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100', entryZ: 2 });
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-default.png') });
    // A saved data source: the token shows as configured, with Reset.
    await page.getByTestId('config-section').screenshot({ path: path.join(SHOTS, 'config-editor-saved.png') });
  });

  it('clicks through a query and sees the query model change', async () => {
    await page.getByRole('radio', { name: 'Stats' }).click();
    await modelHas(page, { queryType: 'stats', pair: 'ETHUSDT/BTCUSDT' });

    // The pair list comes from the backend's CallResource, i.e. the collector's configured pairs.
    const pair = page.getByRole('combobox', { name: 'Pair' });
    await pair.click();
    const option = page.getByRole('option', { name: /SOLUSDT\/ETHUSDT/ });
    await option.waitFor();
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-pair-menu.png') });
    await option.click();
    await modelHas(page, { queryType: 'stats', pair: 'SOLUSDT/ETHUSDT' });
    expect(server.requests).toContain('GET /api/datasources/uid/pairs/resources/pairs');

    await page.getByRole('radio', { name: '5m', exact: true }).click();
    await modelHas(page, { timeframe: '5m' });

    const windowInput = page.getByRole('textbox', { name: 'Window', exact: true });
    await windowInput.fill('250');
    await windowInput.blur();
    await modelHas(page, { window: '250' });

    // Stats stream too (issue 23: a stats channel); back to analytics, then live.
    expect(await page.getByLabel('Live').isDisabled()).toBe(false);
    await page.getByRole('radio', { name: 'Analytics' }).click();
    await page.getByLabel('Live').click({ force: true });
    await modelIs(page, {
      refId: 'A',
      version: 1,
      queryType: 'analytics',
      pair: 'SOLUSDT/ETHUSDT',
      timeframe: '5m',
      window: '250',
      entryZ: 2,
      live: true,
    });
    await eventually(page, async () => expect(Number(await page.getByTestId('runs').textContent())).toBeGreaterThanOrEqual(6));
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-filled.png') });
  });

  it('shows an invalid window under the field and does not run it', async () => {
    const runs = Number(await page.getByTestId('runs').textContent());
    const windowInput = page.getByRole('textbox', { name: 'Window', exact: true });
    await windowInput.fill('1');
    await windowInput.blur();
    await page.getByText('the window must be a whole number of bars from 2 to 10000, got "1"').waitFor();
    expect(Number(await page.getByTestId('runs').textContent())).toBe(runs);
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-invalid-window.png') });
    await windowInput.fill('250');
    await windowInput.blur();
  });

  it('switches to bars with the pair’s Y leg as the symbol', async () => {
    await page.getByRole('radio', { name: 'Bars' }).click();
    await modelIs(page, { refId: 'A', version: 1, queryType: 'bars', symbol: 'SOLUSDT', timeframe: '5m', live: true });
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-bars.png') });
  });

  it('renders the variable editor of the DataSource and picks a list', async () => {
    await page.getByTestId('variable-section').getByRole('radio', { name: 'Windows' }).click();
    await eventually(page, async () => expect(await shown(page, 'variable-json')).toEqual({ refId: 'V', version: 1, kind: 'windows' }));
    // Move the pointer away so the option's tooltip does not cover the picture.
    await page.mouse.move(900, 5);
    await page
      .getByRole('tooltip')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.getByTestId('variable-section').screenshot({ path: path.join(SHOTS, 'variable-editor.png') });
  });

  it('edits the settings: collector URL in jsonData, token as a secure field', async () => {
    const url = page.getByLabel(/Collector URL/);
    await url.fill('http://127.0.0.1:8080');
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByLabel(/API token/).fill('s3cret');
    await eventually(page, async () =>
      expect(await shown(page, 'options-json')).toEqual({
        jsonData: { collectorUrl: 'http://127.0.0.1:8080' },
        secureJsonData: { apiToken: 's3cret' },
        secureJsonFields: { apiToken: false },
      }),
    );
    await page.getByTestId('config-section').screenshot({ path: path.join(SHOTS, 'config-editor.png') });
    await page.screenshot({ path: path.join(SHOTS, 'page.png'), fullPage: true });
  });

  it('edits a backtest with the pair editor’s pair and window and the Kalman hedge (issue 16)', async () => {
    // from the bars query above: the backtest takes the timeframe, the default pair and window
    await page.getByRole('radio', { name: 'Backtest' }).click();
    await modelIs(page, { refId: 'A', version: 1, queryType: 'backtest', pair: 'ETHUSDT/BTCUSDT', timeframe: '5m', window: '100' });
    await page.getByRole('combobox', { name: 'Pair' }).click();
    const option = page.getByRole('option', { name: /SOLUSDT\/ETHUSDT/ });
    await option.waitFor();
    await option.click();
    await modelHas(page, { queryType: 'backtest', pair: 'SOLUSDT/ETHUSDT' });
    const windowInput = page.getByRole('textbox', { name: 'Window', exact: true });
    await windowInput.fill('60');
    await windowInput.blur();
    await modelHas(page, { window: '60' });
    await page.getByRole('radio', { name: 'Kalman', exact: true }).click();
    await modelHas(page, { hedge: 'kalman' });
    await page.getByLabel('Tune').click({ force: true });
    await modelIs(page, { refId: 'A', version: 1, queryType: 'backtest', pair: 'SOLUSDT/ETHUSDT', timeframe: '5m', window: '60', hedge: 'kalman', tune: true });
    await page.getByTestId('query-section').screenshot({ path: path.join(SHOTS, 'query-editor-backtest-kalman.png') });
  });

  it('had no errors in the page (a mutation of the frozen props would be one)', () => {
    expect({ pageErrors, missing }).toEqual({ pageErrors: [], missing: [] });
  });
});
