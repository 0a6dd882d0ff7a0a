/**
 * How Grafana turns our dashboard variables into values, with Grafana's own string helpers:
 * `${pair:regex}` is `escapeRegex(pair)`, a variable's regex goes through `stringToJsRegex`,
 * and the first capture group of a match is the option's value (grafana/scenes
 * QueryVariable -> metricNamesToVariableValues). The helpers are loaded from the installed
 * @grafana/data by file path: its package entry needs a browser window.
 */
import { join } from 'node:path';
import { REPO } from './files';

interface GrafanaString {
  escapeRegex(value: string): string;
  stringToJsRegex(str: string): RegExp;
}
const grafanaString = require(join(REPO, 'node_modules/@grafana/data/dist/cjs/text/string.cjs')) as GrafanaString;

/** The options a query variable with `regex` offers for the list `values`, given the other variables. */
export function regexOptions(regex: string, vars: Record<string, string>, values: readonly string[]): string[] {
  const interpolated = regex.replace(/\$\{(\w+):regex\}/g, (_m, name: string) => grafanaString.escapeRegex(vars[name] ?? ''));
  const re = grafanaString.stringToJsRegex(interpolated);
  const out: string[] = [];
  for (const v of values) {
    const m = re.exec(v);
    if (m) out.push(m.length > 1 ? m[1]! : v);
  }
  return out;
}
