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
