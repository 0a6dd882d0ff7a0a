/**
 * A fresh clone's browser run needs no `npm run build:backend` first: the browser globalSetup
 * calls ensureBackend (test/buildBackend.ts) on dist/. Here the same call on an empty folder, as a
 * clone has, builds an executable that answers Grafana's handshake; a second call is a no-op; an
 * input hash that no longer matches (a pulled change) rebuilds.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';

import { startPlugin } from '../emulator';
import { backendInputsHash, backendStamp, ensureBackend } from '../buildBackend';

const COMPAT = (globalThis as { grafanaCompat?: string }).grafanaCompat;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-fresh-clone-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

// The backend does not depend on the Grafana version the page runs on: once, in the browser project.
(COMPAT ? it.skip : it)('an empty dist/ gets a backend that answers the handshake; built once, rebuilt when its inputs change', async () => {
  expect(ensureBackend(dir)).toBe(true);
  expect(fs.readFileSync(backendStamp(dir), 'utf8')).toBe(backendInputsHash());
  // plugin.json names the executable gpx_pairs (src/plugin.json), the emulator's default without one
  const plugin = await startPlugin({ pluginDir: dir });
  try {
    expect(plugin.handshake).toMatch(/^1\|2\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
  } finally {
    await plugin.stop();
  }
  const built = fs.statSync(path.join(dir, 'backend', 'main.js')).mtimeMs;
  expect(ensureBackend(dir)).toBe(false);
  expect(fs.statSync(path.join(dir, 'backend', 'main.js')).mtimeMs).toBe(built);

  fs.writeFileSync(backendStamp(dir), 'a hash of older sources');
  expect(ensureBackend(dir)).toBe(true);
  expect(fs.readFileSync(backendStamp(dir), 'utf8')).toBe(backendInputsHash());
});
