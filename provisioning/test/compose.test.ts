/**
 * docker-compose.yml, checked by Debian's docker-compose (1.29: validates and resolves the file
 * without a Docker engine; .ci/run installs it), and the image definition it builds (the
 * collector's; Grafana runs its stock image with the packaged plugin mounted).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_PAIRS } from '@quant-pairs/contract';
import { PLUGIN_ID } from '../src/settings';
import { PROVISIONING, REPO, readText } from './files';

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCompose) {
  // Visible when run by hand without it; CI installs it (.ci/run), so there it always runs.
  console.warn('SKIPPED docker-compose checks: docker-compose is not installed (apt-get install -y docker-compose)');
}
const describeCompose = hasCompose || process.env.CI ? describe : describe.skip;

const COMPOSE_ARGS = ['-f', join(REPO, 'docker-compose.yml'), '--project-directory', REPO, 'config'];
/** With the override that publishes the collector's API on the host (docker-compose.collector-port.yml). */
const WITH_COLLECTOR_PORT = [
  '-f',
  join(REPO, 'docker-compose.yml'),
  '-f',
  join(REPO, 'docker-compose.collector-port.yml'),
  '--project-directory',
  REPO,
  'config',
];
/** The one setting docker-compose.yml requires (the Grafana admin password); the tests' own value. */
const REQUIRED = { GF_ADMIN_PASSWORD: 'test-only-password' };

/** `docker-compose config` with a given environment (no .env of the user's leaks in). */
function composeConfig(env: Record<string, string> = {}, args: string[] = COMPOSE_ARGS): any {
  const out = execFileSync('docker-compose', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...REQUIRED, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parse(out);
}

/** The host addresses of a service's published ports ("ip:published:target" or the long form). */
function hostIps(s: any): string[] {
  return (s.ports ?? []).map((p: any) => (typeof p === 'string' ? (p.split(':').length === 3 ? p.split(':')[0] : '') : (p.host_ip ?? '')));
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
    expect(c.environment.PAIRS).toBe(DEFAULT_PAIRS.join(',')); // compose's default is the collector's (contract DEFAULT_PAIRS)
    expect(composeConfig({ PAIRS: 'BNBUSDT/BTCUSDT' }).services.collector.environment.PAIRS).toBe('BNBUSDT/BTCUSDT');
    // Listens on all interfaces inside its container, so Grafana and Prometheus reach it.
    expect(c.environment.HOST).toBe('0.0.0.0');
  });

  it('grafana: the stock image (glibc variant), unsigned loading for our id only, provisioning mounted, waits for a healthy collector', () => {
    const g = svc.grafana;
    // No image of our own (issue 27): the plugin's backend is a native executable, so Grafana's
    // own image runs it; the -ubuntu tag because those executables need glibc (Alpine has musl).
    expect(g.build).toBeUndefined();
    expect(g.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+-ubuntu$/);
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
    expect(g.ports.map((p: any) => String(p.published ?? p.split?.(':')[1]))).toContain('3000');
  });

  it('grafana: the packaged plugin folder (npm run package -w grafana-plugin) mounted read-only in its plugins path, outside the data volume', () => {
    const g = svc.grafana;
    const plugins = g.environment.GF_PATHS_PLUGINS;
    expect(plugins).toBe('/var/lib/grafana-plugins');
    const mounts: string[] = g.volumes.map((v: any) => (typeof v === 'string' ? v : `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`));
    // grafana-plugin/scripts/package.mjs writes build/<plugin id>/ (its test unpacks that layout)
    expect(mounts).toContain(`${join(REPO, 'grafana-plugin', 'build', PLUGIN_ID)}:${plugins}/${PLUGIN_ID}:ro`);
    expect(mounts.filter((m) => m.split(':')[1]!.startsWith('/var/lib/grafana/'))).toEqual([]);
  });

  describe('safe defaults (issue 17): loopback only, no anonymous viewers, no default password', () => {
    it('only Grafana is published, on 127.0.0.1; the collector and Prometheus are on the compose network only', () => {
      const published = Object.entries<any>(svc).filter(([, s]) => (s.ports ?? []).length > 0);
      expect(published.map(([name]) => name)).toEqual(['grafana']);
      expect(hostIps(svc.grafana)).toEqual(['127.0.0.1']);
      expect(svc.collector.ports).toBeUndefined();
      expect(svc.prometheus.ports).toBeUndefined();
      // reachable inside: the port the others use (COLLECTOR_URL http://collector:8080)
      expect(svc.collector.expose.map(String)).toEqual(['8080']);
      expect(svc.grafana.environment.COLLECTOR_URL).toBe('http://collector:8080');
    });

    it('Grafana on another interface only when GRAFANA_BIND asks for it; the collector unpublished whatever it says', () => {
      const s = composeConfig({ GRAFANA_BIND: '0.0.0.0', GRAFANA_PORT: '3100', COLLECTOR_PORT: '8181', COLLECTOR_BIND: '0.0.0.0' }).services;
      expect(s.grafana.ports.map(String)).toEqual(['0.0.0.0:3100:3000/tcp']);
      expect(s.collector.ports).toBeUndefined();
    });

    it('the collector on the host on purpose: docker-compose.collector-port.yml, loopback unless COLLECTOR_BIND says otherwise', () => {
      expect(composeConfig({}, WITH_COLLECTOR_PORT).services.collector.ports.map(String)).toEqual(['127.0.0.1:8080:8080/tcp']);
      const s = composeConfig({ COLLECTOR_PORT: '8181', COLLECTOR_BIND: '0.0.0.0' }, WITH_COLLECTOR_PORT).services;
      expect(s.collector.ports.map(String)).toEqual(['0.0.0.0:8181:8080/tcp']);
      expect(s.grafana.ports.map(String)).toEqual(['127.0.0.1:3000:3000/tcp']);
    });

    it("the collector's rate limits pass through; unset, empty reaches the collector, which reads it as its default", () => {
      expect([svc.collector.environment.RATE_LIMIT, svc.collector.environment.LIVE_CONNECTIONS]).toEqual(['', '']);
      const s = composeConfig({ RATE_LIMIT: '0', LIVE_CONNECTIONS: '10' }).services;
      expect([s.collector.environment.RATE_LIMIT, s.collector.environment.LIVE_CONNECTIONS]).toEqual(['0', '10']);
    });

    it('anonymous access is off unless GF_AUTH_ANONYMOUS_ENABLED=true; the password comes from the environment', () => {
      expect(svc.grafana.environment.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
      expect(svc.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe(REQUIRED.GF_ADMIN_PASSWORD);
      expect(composeConfig({ GF_AUTH_ANONYMOUS_ENABLED: 'true' }).services.grafana.environment.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    });

    it('refuses to resolve without GF_ADMIN_PASSWORD (or with it empty), naming the variable', () => {
      for (const env of [{}, { GF_ADMIN_PASSWORD: '' }]) {
        const r = spawnSync('docker-compose', COMPOSE_ARGS, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain('set GF_ADMIN_PASSWORD');
        expect(r.stdout).not.toContain('GF_SECURITY_ADMIN_PASSWORD');
      }
    });
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
  const collector = readFileSync(join(REPO, 'collector/Dockerfile'), 'utf8');

  it('collector: multi-stage (npm ci + build), runs unprivileged with its data on /data', () => {
    expect(collector.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(collector).toMatch(/npm ci -w collector/);
    expect(collector).toMatch(/npm run build -w collector/);
    expect(collector).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(collector).toMatch(/^USER node$/m);
  });

  it('every file the Dockerfile COPYs from the context exists and is not ignored', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
    for (const m of collector.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const src of m[1]!.split(' ')) {
        expect({ src, exists: existsSync(join(REPO, src)) }).toEqual({ src, exists: true });
      }
    }
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
  });
});
