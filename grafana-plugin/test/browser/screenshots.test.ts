/**
 * The core of `npm run screenshots` (test/screenshots/shoot.ts) on one editor and one panel: the
 * query editor of the built plugin, and the Pair overview's z-score panel drawn by @grafana/ui's
 * TimeSeries from the frames the real backend makes of the demo's data. Each PNG must be drawn on
 * (many colours, most pixels off the background) and the page must draw in Inter, the font
 * Grafana ships (served from Debian's fonts-inter); a text forced to another font fails the check.
 * Written to test-output/screenshots-core/ for a person to look at.
 */
import fs from 'fs';
import path from 'path';

import { dashboardShots, type Shot } from '../screenshots/panels';
import { assertInter, pngStats, shootDashboard, shootEditor, startSession, type Session } from '../screenshots/shoot';

const COMPAT = (globalThis as { grafanaCompat?: string }).grafanaCompat;
const OUT = path.resolve(__dirname, '..', '..', 'test-output', 'screenshots-core');
const PANEL = { dashboard: 'Pair overview', title: 'z-score', type: 'timeseries' };

let session: Session;

/** The z-score panel once the demo's history has given it rows. */
async function zPanel(): Promise<Shot> {
  const end = Date.now() + 60_000;
  for (;;) {
    const [shot] = await dashboardShots(session.demo.emulator.url, (d, p) => d === PANEL.dashboard && p.title === PANEL.title && p.type === PANEL.type);
    if (shot && shot.rows[0]! > 0) {
      return shot;
    }
    if (Date.now() > end) {
      throw new Error(`${PANEL.dashboard}: ${PANEL.title} had no rows within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// The screenshots are taken on the @grafana packages the plugin is built with: the browser project only.
const describeLatest = COMPAT ? describe.skip : describe;

describeLatest('npm run screenshots: its core on one editor and one panel', () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    session = await startSession();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('the query editor: a PNG with something drawn on it, in Inter', async () => {
    const file = await shootEditor(session.page, 'query-editor', OUT);
    const stats = await pngStats(session.page, fs.readFileSync(file));
    // the editor's section is 900 px wide (harness/entry.tsx Section), buttons and text in several greys
    expect(stats.width).toBe(900);
    expect(stats.colors).toBeGreaterThan(50);
    expect(stats.drawn).toBeGreaterThan(0.2);
    expect(session.errors).toEqual([]);
  });

  it('the z-score panel from our frames: a PNG with a plot on it, in Inter', async () => {
    const shot = await zPanel();
    expect(shot.panels.map((p) => p.title)).toEqual([PANEL.title]);
    const file = await shootDashboard(session.page, shot, OUT, 800);
    expect(path.basename(file)).toBe('dashboard-quant-pairs-overview.png');
    const stats = await pngStats(session.page, fs.readFileSync(file));
    // 800 px of grid + 16 px padding each side (harness/dashboard.tsx)
    expect(stats.width).toBe(832);
    // uPlot drew into a canvas as wide as the panel's inner width
    const canvas = await session.page
      .locator('#dashboard canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => c.width);
    expect(canvas).toBeGreaterThan(300);
    // the same panel without frames (its chrome, 'No data'): the data's lines, axes and thresholds add colours
    const empty = path.join(OUT, 'without-frames');
    fs.mkdirSync(empty, { recursive: true });
    const blank = await pngStats(
      session.page,
      fs.readFileSync(await shootDashboard(session.page, { ...shot, panels: shot.panels.map((p) => ({ ...p, frames: [] })) }, empty, 800)),
    );
    process.stdout.write(`screenshots core: z-score panel ${stats.colors} colours, ${blank.colors} without frames\n`);
    expect(stats.colors).toBeGreaterThan(2 * blank.colors);
    expect(session.errors).toEqual([]);
  });

  it('the font check fails on a text not drawn in Inter', async () => {
    await session.page.evaluate(() => {
      const el = document.createElement('div');
      el.id = 'not-inter';
      el.style.fontFamily = 'monospace';
      el.textContent = 'ETHUSDT/BTCUSDT';
      document.body.appendChild(el);
    });
    await expect(assertInter(session.page, '#not-inter')).rejects.toThrow(/does not draw #not-inter in Inter/);
    await assertInter(session.page, '[data-testid="query-section"] h4');
  });
});
