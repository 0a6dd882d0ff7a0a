/**
 * The loopback web server of the browser test: the test page, its host bundle, the built
 * plugin (dist/) under Grafana's plugin path, and Grafana's HTTP API (`/api/...`), passed on
 * to the Grafana emulator (`api`), which runs the real backend against a real collector.
 */
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';

/**
 * Grafana serves @grafana/ui's icons from public/build/img/icons (12 and later; public/img/icons
 * before); they ship in @grafana/ui's dist/public. Default: the @grafana/ui the plugin builds with.
 */
const UI_DIR = path.dirname(require.resolve('@grafana/ui/package.json'));

/**
 * Grafana's fonts (Inter, Roboto Mono) are not in any npm package here. Inter is served from
 * Debian's fonts-inter when it is installed (same glyphs as Grafana's woff2); otherwise, and for
 * Roboto Mono, the page falls back to the theme's next font family and the request is a 404
 * that the test tolerates (`optionalMissing`).
 */
const SYSTEM_FONTS: Record<string, string> = {
  'inter/Inter-Regular.woff2': '/usr/share/fonts/opentype/inter/Inter-Regular.otf',
  'inter/Inter-Medium.woff2': '/usr/share/fonts/opentype/inter/Inter-Medium.otf',
  'inter/Inter-SemiBold.woff2': '/usr/share/fonts/opentype/inter/Inter-SemiBold.otf',
  'inter/Inter-Bold.woff2': '/usr/share/fonts/opentype/inter/Inter-Bold.otf',
};

export function optionalMissing(urlPath: string): boolean {
  return urlPath.startsWith('/public/fonts/') || urlPath === '/favicon.ico';
}

const TYPES: Record<string, string> = {
  '.otf': 'font/otf',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.css': 'text/css',
  '.html': 'text/html',
};

const page = (grafanaVersion: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quant-pairs editors</title>
<script>window.grafanaBootData = { settings: { buildInfo: { version: ${JSON.stringify(grafanaVersion)}, edition: 'Open Source' }, featureToggles: {}, theme2: null }, user: { lightTheme: false, theme: 'dark', timezone: 'utc' }, navTree: [] };</script>
</head><body><div id="root"></div>
<script src="/harness/harness.js"></script>
<script>Harness.start('/public/plugins/quant-pairs-datasource/module.js').catch((e) => { document.body.dataset.error = String(e && e.stack || e); throw e; });</script>
</body></html>`;

export interface TestServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function proxy(req: http.IncomingMessage, res: http.ServerResponse, upstream: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) {
      headers[k] = v;
    }
  }
  const r = await fetch(upstream + (req.url ?? '/'), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await r.arrayBuffer()));
}

/**
 * `uiDir`: the @grafana/ui package whose icons the page gets (an older Grafana's in test/compat);
 * `grafanaVersion`: what grafanaBootData reports.
 */
export async function startServer(opts: { harnessDir: string; distDir: string; api: string; uiDir?: string; grafanaVersion?: string }): Promise<TestServer> {
  const requests: string[] = [];
  const uiPublic = path.join(opts.uiDir ?? UI_DIR, 'dist', 'public');
  const html = page(opts.grafanaVersion ?? '13.1.1');
  const sendFile = (res: http.ServerResponse, file: string) => {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${u.pathname}`);
    const safe = (p: string) => path.normalize(p).replace(/^(\.\.[/\\])+/, '');
    if (u.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else if (u.pathname.startsWith('/public/build/img/') || u.pathname.startsWith('/public/img/')) {
      sendFile(res, path.join(uiPublic, 'img', safe(u.pathname.replace(/^\/public\/(build\/)?img\//, ''))));
    } else if (u.pathname.startsWith('/public/fonts/')) {
      const font = SYSTEM_FONTS[u.pathname.slice('/public/fonts/'.length)];
      sendFile(res, font ?? '/nonexistent');
    } else if (u.pathname.startsWith('/harness/')) {
      sendFile(res, path.join(opts.harnessDir, safe(u.pathname.slice('/harness/'.length))));
    } else if (u.pathname.startsWith('/public/plugins/quant-pairs-datasource/')) {
      sendFile(res, path.join(opts.distDir, safe(u.pathname.slice('/public/plugins/quant-pairs-datasource/'.length))));
    } else if (u.pathname.startsWith('/api/')) {
      proxy(req, res, opts.api).catch((e) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(e) })));
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
