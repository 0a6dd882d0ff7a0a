/**
 * Ornstein-Uhlenbeck fit of a spread and Bertram's optimal symmetric band (src/analytics/honest/ou.ts):
 *
 *   npm run --silent ou -- FILE --cost C
 *
 * FILE (or `-` for stdin): `{"spread":[...],"dt":1}` (dt optional, default 1: the time between
 * points in the unit theta, sigma and the rates are per). C: the round-trip cost in the spread's
 * units (> 0). Prints {"theta", "mu", "sigma", "halfLife", "a", "entryLong", "entryShort",
 * "expectedReturnRate", "expectedTradeLength"} (entryLong = mu - a, entryShort = mu + a). A spread
 * that does not revert, bad input or flags: a message on stderr and exit code 2.
 */
import { describeValue, parseJson } from '@quant-pairs/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bertramBand, fitOu } from '../analytics/honest/ou';
import type { CliResult } from './analyze';
import { numberFlag, parseFlags, runCommand, UsageError } from './honestFlags';

const USAGE = 'usage: ou FILE --cost C\n  FILE: {"spread":[...],"dt":1} (dt optional); - reads stdin. C: round-trip cost in spread units, > 0';

export function runOu(argv: readonly string[], read: (file: string) => string): CliResult {
  return runCommand('ou', USAGE, argv, read, (readText) => {
    const { values: v, file } = parseFlags(argv, { cost: { type: 'string' } });
    if (v.cost === undefined) throw new UsageError("--cost is required: the round-trip cost in the spread's units");
    const cost = numberFlag('cost', String(v.cost));
    if (!(cost > 0)) throw new UsageError(`--cost must be a positive number, got ${JSON.stringify(v.cost)}`);
    let doc: unknown;
    try {
      doc = parseJson(readText(file).trim());
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`FILE is not valid JSON: ${(e as Error).message}`);
    }
    const o = (doc ?? {}) as Record<string, unknown>;
    if (!Array.isArray(o.spread)) throw new UsageError(`"spread" must be an array of numbers, got ${describeValue(o.spread)}`);
    const dt = o.dt ?? 1;
    if (typeof dt !== 'number') throw new UsageError(`"dt" must be a positive number, got ${describeValue(dt)}`);
    const fit = fitOu(o.spread as number[], dt);
    if (fit === null) throw new UsageError('the spread does not revert (the AR(1) coefficient of consecutive points is not in (0, 1)): no OU fit');
    const band = bertramBand(fit, cost);
    const { theta, mu, sigma, halfLife } = fit;
    const { a, entryLong, entryShort, expectedReturnRate, expectedTradeLength } = band;
    return { theta, mu, sigma, halfLife, a, entryLong, entryShort, expectedReturnRate, expectedTradeLength };
  });
}

if (require.main === module) {
  const base = process.env.INIT_CWD ?? process.cwd();
  const r = runOu(process.argv.slice(2), (file) => readFileSync(file === '-' ? 0 : resolve(base, file), 'utf8'));
  if (r.stderr) process.stderr.write(r.stderr);
  process.stdout.write(r.stdout, () => process.exit(r.code));
}
