/**
 * Loads the reference values (test/fixtures/oracle/cases.json: statsmodels 0.13.5, pandas
 * 1.5.3, numpy 1.24.2; see its README for how each value was produced and the tolerances).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ORACLE_DIR = join(__dirname, '../fixtures/oracle');

type Nullable = number | null;
export interface AdfRecord {
  stat: number;
  pvalue: number;
  usedlag: number;
  nobs: number;
  crit: Record<'1%' | '5%' | '10%', number>;
  icbest: number | null;
  maxlag: number;
}
export type Err = { error: string };
export interface OracleCase {
  id: string;
  kind: string;
  inputs: { x: number[]; y: number[]; window: number };
  outputs: {
    n: number;
    first_beta_index: number | null;
    first_z_index: number | null;
    beta: Nullable[];
    alpha: Nullable[];
    spread: Nullable[];
    z_ddof0: Nullable[];
    z_ddof1: Nullable[];
    signal: (string | null)[];
    signal_ddof0: (string | null)[];
    adf: Record<'full_spread' | 'last_window', Record<'c_aic' | 'c_lag1' | 'ct_aic', AdfRecord | Err> | Err>;
    coint: Record<'full' | 'last_window', { stat: number; pvalue: number; crit: Record<'1%' | '5%' | '10%', number> } | Err>;
    half_life: Record<'full_spread' | 'last_window', { a: number; b: number; half_life: number | null } | Err>;
  };
}

let cached: OracleCase[] | null = null;
export function oracleCases(): OracleCase[] {
  if (!cached) cached = (JSON.parse(readFileSync(join(ORACLE_DIR, 'cases.json'), 'utf8')) as { cases: OracleCase[] }).cases;
  return cached;
}

export function isErr(v: unknown): v is Err {
  return typeof v === 'object' && v !== null && 'error' in v;
}

/** |a - b| <= tol, with a readable failure message. */
export function expectClose(actual: number | null, expected: number | null, tol: number, what: string): void {
  if (expected === null || actual === null) {
    if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
    return;
  }
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
}
