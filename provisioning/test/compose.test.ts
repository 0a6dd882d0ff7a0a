/**
 * docker-compose.yml, checked by Debian's docker-compose (1.29: validates and resolves the file
 * without a Docker engine; .ci/run installs it), and the image definitions it builds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PLUGIN_ID } from '../src/settings';
import { PROVISIONING, REPO, readText } from './files';

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCompose) {
  // Visible when run by hand without it; CI installs it (.ci/run), so there it always runs.
  console.warn('SKIPPED docker-compose checks: docker-compose is not installed (apt-get install -y docker-compose)');
}
const describeCompose = hasCompose || process.env.CI ? describe : describe.skip;

/** `docker-compose config` with a given environment (no .env of the user's leaks in). */
function composeConfig(env: Record<string, string> = {}): any {
  const out = execFileSync('docker-compose', ['-f', join(REPO, 'docker-compose.yml'), '--project-directory', REPO, 'config'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parse(out);
}

describeCompose('docker-compose config', () => {
  let svc: any;
  beforeAll(() => {
    svc = composeConfig().services;
  });

  it('accepts the file and has the collector, Grafana and Prometheus', () => {
    expect(Object.keys(svc).sort()).toEqual(['collector', 'grafana', 'prometheus']);
  });

  it('every service restarts and has a health check', () => {
    for (const [name, s] of Object.entries<any>(svc)) {
      expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
      expect(s.healthcheck?.test?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('collector: own Dockerfile, SQLite on a volume, pairs from the environment', () => {
    const c = svc.collector;
    expect(c.build.dockerfile).toBe('collector/Dockerfile');
    expect(c.environment.DB_PATH).toBe('/data/collector.db');
    expect(c.volumes.map((v: any) => (typeof v === 'string' ? v.replace(/:rw$/, '') : `${v.source}:${v.target}`))).toContain('collector-data:/data');
    expect(c.environment.PAIRS).toBe('ETHUSDT/BTCUSDT,SOLUSDT/BTCUSDT');
    expect(composeConfig({ PAIRS: 'BNBUSDT/BTCUSDT' }).services.collector.environment.PAIRS).toBe('BNBUSDT/BTCUSDT');
    // Listens on all interfaces inside its container, so Grafana and Prometheus reach it.
    expect(c.environment.HOST).toBe('0.0.0.0');
  });

  it('grafana: built image, unsigned loading for our id only, provisioning mounted, waits for a healthy collector', () => {
    const g = svc.grafana;
    expect(g.build.dockerfile).toBe('provisioning/grafana/Dockerfile');
    expect(g.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(PLUGIN_ID);
    expect(g.depends_on.collector.condition).toBe('service_healthy');
    const mounts = g.volumes.map((v: any) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    for (const dir of ['datasources', 'dashboards', 'alerting']) {
      const m = mounts.find((x: string) => x.includes(`:/etc/grafana/provisioning/${dir}`));
      expect(m).toBeDefined();
      const host = m.split(':')[0];
      expect(statSync(host).isDirectory()).toBe(true);
      expect(host).toBe(join(PROVISIONING, dir));
    }
    expect(g.ports.map((p: any) => String(p.published ?? p.split?.(':')[0]))).toContain('3000');
  });

  it('API_TOKEN reaches the collector, Grafana and Prometheus alike', () => {
    const s = composeConfig({ API_TOKEN: 's3cret' }).services;
    expect([s.collector.environment.API_TOKEN, s.grafana.environment.API_TOKEN, s.prometheus.environment.API_TOKEN]).toEqual(['s3cret', 's3cret', 's3cret']);
  });

  it('every ${VAR} the provisioning files use is set in the Grafana container', () => {
    const env = svc.grafana.environment;
    const files = ['datasources/datasources.yaml', 'alerting/contact-points.yaml', 'alerting/rules.yaml'];
    const used = new Set(files.flatMap((f) => [...readText(f).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(0);
    for (const v of used) expect({ v, set: v in env }).toEqual({ v, set: true });
    expect(env.COLLECTOR_URL).toBe('http://collector:8080');
  });

  it('prometheus scrapes the collector with the mounted config', () => {
    const p = svc.prometheus;
    expect(p.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    const prom = parse(readText('prometheus/prometheus.yml'));
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual(['collector:8080']);
    expect(p.entrypoint.join(' ')).toContain(prom.scrape_configs[0].authorization.credentials_file);
  });
});

describe('image definitions', () => {
  const grafana = readFileSync(join(PROVISIONING, 'grafana/Dockerfile'), 'utf8');
  const collector = readFileSync(join(REPO, 'collector/Dockerfile'), 'utf8');

  it('Grafana OSS is pinned to a version, with Node added and the built plugin copied in', () => {
    expect(grafana).toMatch(/^ARG GRAFANA_IMAGE=grafana\/grafana:\d+\.\d+\.\d+$/m);
    expect(grafana).toMatch(/apk add --no-cache nodejs/);
    expect(grafana).toMatch(/npm run build -w grafana-plugin/);
    expect(grafana).toContain(`/var/lib/grafana-plugins/${PLUGIN_ID}`);
    expect(grafana).toContain(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${PLUGIN_ID} `);
    expect(grafana).toMatch(/^USER 472$/m);
  });

  it('the pinned Grafana satisfies the plugin\'s grafanaDependency, and the plugin id is ours', () => {
    const plugin = JSON.parse(readFileSync(join(REPO, 'grafana-plugin/src/plugin.json'), 'utf8'));
    expect(plugin.id).toBe(PLUGIN_ID);
    expect(plugin.backend && plugin.alerting && plugin.streaming).toBe(true);
    const pinned = /^ARG GRAFANA_IMAGE=grafana\/grafana:(\d+)\.(\d+)\.(\d+)$/m.exec(grafana)!.slice(1).map(Number);
    const min = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(plugin.dependencies.grafanaDependency)!.slice(1).map(Number);
    const cmp = pinned[0]! - min[0]! || pinned[1]! - min[1]! || pinned[2]! - min[2]!;
    expect({ pinned: pinned.join('.'), min: min.join('.'), ok: cmp >= 0 }).toEqual({ pinned: pinned.join('.'), min: min.join('.'), ok: true });
  });

  it('Node is added where the plugin launcher looks for it', () => {
    // grafana-plugin/backend/scripts/launcher.sh: Grafana starts the backend without PATH, and
    // the launcher tries fixed places; Alpine's nodejs package installs /usr/bin/node.
    const launcher = readFileSync(join(REPO, 'grafana-plugin/backend/scripts/launcher.sh'), 'utf8');
    expect(launcher).toContain('/usr/bin/node');
  });

  it('collector: multi-stage (npm ci + build), runs unprivileged with its data on /data', () => {
    expect(collector.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(collector).toMatch(/npm ci -w collector/);
    expect(collector).toMatch(/npm run build -w collector/);
    expect(collector).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(collector).toMatch(/^USER node$/m);
  });

  it('every file the Dockerfiles COPY from the context exists and is not ignored', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
    for (const df of [grafana, collector]) {
      for (const m of df.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
        for (const src of m[1]!.split(' ')) {
          expect({ src, exists: existsSync(join(REPO, src)) }).toEqual({ src, exists: true });
        }
      }
    }
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
  });
});
