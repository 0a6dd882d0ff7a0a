/**
 * The screenshot core, shared by `npm run screenshots` (run.ts) and its browser test: the test page
 * (test/browser: the built dist/module.js's editors with the real @grafana/ui, Grafana's dark
 * theme) in headless Chromium against the demo (panels.ts), then
 * - shootEditor: one editor's section as a PNG;
 * - shootDashboard: a dashboard's panels drawn from our frames (harness/dashboard.tsx) as a PNG;
 * each after the page's fonts have loaded, and only when the page really draws in Inter, the
 * font Grafana ships (served from Debian's fonts-inter, test/browser/server.ts): otherwise the
 * images would not look as a user sees them, and the call fails saying so.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { DATASOURCE_UID } from '../../../provisioning/src/settings';
import { harnessDir } from '../browser/globalSetup';
import type { DashboardShot } from '../browser/harness/dashboard';
import { startServer, type TestServer } from '../browser/server';
import { startDemo, type Demo } from './panels';

const ROOT = path.resolve(__dirname, '..', '..');

/** The editors' sections of the test page (harness/entry.tsx) and the file each is written to. */
export const EDITORS = {
  'query-editor': 'query-section',
  'variable-editor': 'variable-section',
  'config-editor': 'config-section',
} as const;

export type EditorName = keyof typeof EDITORS;

/** The file a dashboard's screenshot is written to: stable, as plugin.json and the README refer to it. */
function dashboardFile(uid: string): string {
  return `dashboard-${uid}.png`;
}

export interface Session {
  page: Page;
  demo: Demo;
  /** Page errors (uncaught exceptions, console errors) seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** The demo, the test page's server and Chromium, with the editors shown (`width` px viewport). */
export async function startSession(width = 1280): Promise<Session> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-screenshots-'));
  let demo: Demo | undefined;
  let server: TestServer | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await server?.close();
    await demo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    demo = await startDemo(dir);
    server = await startServer({ harnessDir: harnessDir(), distDir: path.join(ROOT, 'dist'), api: demo.emulator.url });
    context = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        errors.push(m.text());
      }
    });
    await page.goto(`${server.url}/?uid=${DATASOURCE_UID}`);
    await page.getByTestId('pairs-query-editor').waitFor({ timeout: 30000 });
    return { page, demo, errors, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Fails unless the page's text is drawn in Inter: an Inter face of the page's @font-face rules
 * loaded (document.fonts) and `selector`'s computed font-family starts with it.
 */
export async function assertInter(page: Page, selector: string): Promise<void> {
  const found = await page.evaluate(async (sel) => {
    await document.fonts.ready;
    const loaded = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family.replace(/["']/g, '')} ${f.weight}`);
    const el = document.querySelector(sel);
    return { loaded, family: el ? getComputedStyle(el).fontFamily : null };
  }, selector);
  const inter = found.loaded.filter((f) => f.startsWith('Inter '));
  if (inter.length === 0 || !found.family || !/^"?Inter"?(,|$)/.test(found.family)) {
    throw new Error(
      `the page does not draw ${selector} in Inter (Grafana's font; install Debian's fonts-inter, /usr/share/fonts/opentype/inter): ` +
        `fonts loaded ${JSON.stringify(found.loaded)}, font-family ${JSON.stringify(found.family)}`,
    );
  }
}

/** Writes one editor's section to `<outDir>/<name>.png` and returns the path. */
export async function shootEditor(page: Page, name: EditorName, outDir: string): Promise<string> {
  const section = page.getByTestId(EDITORS[name]);
  await section.waitFor();
  // the lists the editors show come from the backend: let those requests finish
  await page.waitForLoadState('networkidle');
  await assertInter(page, `[data-testid="${EDITORS[name]}"] h4`);
  // the page's own read-outs (the model as JSON, queries run) are for the tests, not for a user
  await page.addStyleTag({ content: '[data-testid$="-json"], div:has(> [data-testid="runs"]) { display: none !important; }' });
  const file = path.join(outDir, `${name}.png`);
  await section.screenshot({ path: file });
  return file;
}

/** Draws `shot` (`width` px wide) on the page, writes it to `<outDir>/dashboard-<uid>.png` and returns the path. */
export async function shootDashboard(page: Page, shot: DashboardShot, outDir: string, width = 1000): Promise<string> {
  await page.evaluate(({ s, w }) => (window as unknown as { Harness: { showDashboard(s: unknown, w: number): void } }).Harness.showDashboard(s, w), {
    s: shot,
    w: width,
  });
  const dashboard = page.getByTestId('dashboard');
  await dashboard.waitFor();
  await page.locator('[data-testid="panel"][data-ready="false"]').first().waitFor({ state: 'detached' });
  const failed = await page
    .locator('[data-testid="panel"]:has([data-error])')
    .evaluateAll((els) => els.map((e) => `${e.querySelector('h2')?.textContent}: ${e.querySelector('[data-error]')?.getAttribute('data-error')}`));
  if (failed.length) {
    throw new Error(`${shot.title}: panels could not be drawn: ${failed.join('; ')}`);
  }
  await page.waitForLoadState('networkidle');
  // uPlot draws on the next animation frames
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await assertInter(page, '[data-testid="panel"]');
  const file = path.join(outDir, dashboardFile(shot.uid));
  await page.locator('#dashboard').screenshot({ path: file });
  return file;
}

export interface PngStats {
  width: number;
  height: number;
  /** Distinct colours (RGB) in the image. */
  colors: number;
  /** Share of pixels that differ from the top-left one (the background). */
  drawn: number;
}

/** Decodes `png` in the page (an <img> drawn onto a canvas) and says how much is drawn on it. */
export async function pngStats(page: Page, png: Buffer): Promise<PngStats> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, img.width, img.height).data;
    const colors = new Set<number>();
    let differ = 0;
    for (let i = 0; i < d.length; i += 4) {
      colors.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) {
        differ++;
      }
    }
    return { width: img.width, height: img.height, colors: colors.size, drawn: differ / (d.length / 4) };
  }, png.toString('base64'));
}
