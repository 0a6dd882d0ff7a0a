/** Reads the committed provisioning files the way Grafana would see them. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const PROVISIONING = join(__dirname, '..');
export const REPO = join(PROVISIONING, '..');

export const readText = (rel: string) => readFileSync(join(PROVISIONING, rel), 'utf8');
export const readYaml = <T = any>(rel: string): T => parse(readText(rel)) as T;

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<Record<string, any> & { refId: string; datasource?: { type: string; uid: string } }>;
  fieldConfig?: any;
  options?: any;
}
export interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string; current?: { value: string } }> };
  annotations: { list: Array<{ name: string; datasource?: { type: string; uid: string }; target?: Record<string, any> }> };
  liveNow?: boolean;
}

export function dashboards(): Array<{ file: string; json: DashboardJson }> {
  const dir = join(PROVISIONING, 'dashboards/json');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson }));
}

/**
 * Grafana's expansion of environment variables in provisioning values
 * (pkg/services/provisioning/values): `$VAR` and `${VAR}` are replaced, `$$` is a literal `$`.
 * `bracedOnly` is the variant used for alert-rule annotations (ValueWithBracedVars).
 */
export function expandEnv(text: string, env: Record<string, string>, bracedOnly = false): string {
  const re = bracedOnly ? /\$\{(\w+)\}/g : /\$\$|\$\{(\w+)\}|\$(\w+)/g;
  return text.replace(re, (m, braced?: string, bare?: string) => (m === '$$' ? '$' : (env[braced ?? bare ?? ''] ?? '')));
}

/** Every YAML document under alerting/ (Grafana reads them all), parsed. */
export function alertingFiles(): Array<{ file: string; doc: any }> {
  const dir = join(PROVISIONING, 'alerting');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((file) => ({ file, doc: parse(readFileSync(join(dir, file), 'utf8')) }));
}

/**
 * Seconds of a Grafana duration string as rule groups take it (Prometheus' model.ParseDuration:
 * units y w d h m s ms, largest first, e.g. `1m30s`).
 */
export function durationSeconds(text: string): number {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (!m || text === '') throw new Error(`${JSON.stringify(text)} is not a duration such as 10s or 1m`);
  const unit = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];
  return m.slice(1).reduce((sum, v, i) => sum + (v ? Number(v) * unit[i]! : 0), 0);
}
