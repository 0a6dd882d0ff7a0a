/**
 * Generates src/analytics/tables/mackinnonTables.ts from test/fixtures/oracle/mackinnon.json (the
 * MacKinnon 1994 / 2010 coefficients as statsmodels 0.13.5 tabulates them), so that no
 * coefficient is typed in by hand. The file has bare `Infinity` tokens (JSON5-style), which are
 * read here as numbers. Run: `npm run generate:mackinnon -w collector [-- path/to/mackinnon.json]`.
 * test/analytics/mackinnon.test.ts checks that the generated module is what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MACKINNON_JSON = join(__dirname, '../test/fixtures/oracle/mackinnon.json');
export const MACKINNON_TABLES_TS = join(__dirname, '../src/analytics/tables/mackinnonTables.ts');

export function readMackinnonJson(path: string): { source: string; tables: Record<string, unknown> } {
  const text = readFileSync(path, 'utf8').replace(/(-?)\bInfinity\b/g, (_m, sign: string) => `"${sign}__INF__"`);
  return JSON.parse(text, (_k, v: unknown) => (v === '__INF__' ? Infinity : v === '-__INF__' ? -Infinity : v)) as {
    source: string;
    tables: Record<string, unknown>;
  };
}

/** The text of mackinnonTables.ts for the coefficients in `path`. */
export function renderMackinnonTables(path: string): string {
  const { source, tables } = readMackinnonJson(path);
  const body = JSON.stringify(tables, (_k, v: unknown) => (v === Infinity ? '__INF__' : v === -Infinity ? '-__INF__' : v), 1).replace(
    /"(-?)__INF__"/g,
    '$1Infinity',
  );
  return `// @generated
// by npm run generate:mackinnon -w collector (collector/scripts/generate-mackinnon.ts) from test/fixtures/oracle/mackinnon.json: do not edit by hand.
/**
 * ${source}
 *
 * tau_smallps / tau_largeps[reg][N-1]: p-value polynomial coefficients (ascending powers),
 * p = Φ(poly(stat)), small-p one when stat <= tau_stars[reg][N-1]; p = 1 above tau_maxs, 0 below
 * tau_mins. tau_2010s[reg][N-1][level]: critical value [tau_inf, b1, b2, b3] for 1%, 5%, 10%:
 * crit = tau_inf + b1/T + b2/T² + b3/T³. reg: n | c | ct | ctt; N = number of series.
 */
export const MACKINNON_TABLES = ${body} as const;
`;
}

if (require.main === module) {
  writeFileSync(MACKINNON_TABLES_TS, renderMackinnonTables(process.argv[2] ?? MACKINNON_JSON));
  console.log(`wrote ${MACKINNON_TABLES_TS}`);
}
