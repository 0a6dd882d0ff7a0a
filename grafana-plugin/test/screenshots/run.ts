/**
 * `npm run screenshots` (in grafana-plugin/): the images of the README and of the plugin's catalog
 * page (plugin.json `info.screenshots`), into src/img/screenshots/ (webpack copies src/img/ into
 * dist/img/):
 *   query-editor.png, variable-editor.png, config-editor.png   the editors of the built plugin
 *   dashboard-<uid>.png   each provisioned dashboard's panels on our data source, drawn from the
 *                         frames the real backend makes of the demo's data (panels.ts)
 * Builds what it needs first (dist/ and the test page's bundle, as the browser tests do), fails
 * when a page error occurs or the page does not draw in Inter. A dashboard is drawn 1000 px wide,
 * narrower (by 100 px, down to 700) while its PNG is 300 KB or more; an image still that large fails.
 * Takes about a minute; the demo's data start hours back, so the images differ from run to run.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';

import globalSetup from '../browser/globalSetup';
import { dashboardShots, waitForData } from './panels';
import { EDITORS, shootDashboard, shootEditor, startSession, type EditorName } from './shoot';

const OUT = path.resolve(__dirname, '..', '..', 'src', 'img', 'screenshots');
/** Catalog images are downloaded by every visitor of the plugin's page. */
const MAX_BYTES = 300 * 1024;

async function main(): Promise<void> {
  await globalSetup({ selectProjects: ['browser'] });
  // drawn into a scratch folder, moved into place only when every image passed: a failed run leaves the committed ones
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-screenshots-out-'));
  const session = await startSession();
  const files: string[] = [];
  try {
    await waitForData(session.demo.emulator.url);
    for (const name of Object.keys(EDITORS) as EditorName[]) {
      files.push(await shootEditor(session.page, name, scratch));
    }
    for (const shot of await dashboardShots(session.demo.emulator.url)) {
      let file = await shootDashboard(session.page, shot, scratch, 1000);
      for (let width = 900; fs.statSync(file).size >= MAX_BYTES && width >= 700; width -= 100) {
        file = await shootDashboard(session.page, shot, scratch, width);
      }
      files.push(file);
    }
    if (session.errors.length) {
      throw new Error(`page errors:\n${session.errors.join('\n')}`);
    }
  } finally {
    await session.close();
  }
  for (const f of files) {
    const bytes = fs.statSync(f).size;
    if (bytes >= MAX_BYTES) {
      throw new Error(`${path.basename(f)} is ${bytes} bytes, over the ${MAX_BYTES} a catalog image may have (left in ${scratch})`);
    }
  }
  // every image is replaced, and one of a dashboard since removed does not linger
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of files) {
    const to = path.join(OUT, path.basename(f));
    fs.copyFileSync(f, to);
    process.stdout.write(`${path.relative(process.cwd(), to)}  ${Math.round(fs.statSync(to).size / 1024)} KB\n`);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
