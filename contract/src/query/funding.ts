/**
 * The `funding` query kind (issue 25) beside validate.ts's `check`, as summary.ts adds the desk's:
 * a USD-M perpetual's settled funding rates (`rates`), its state now (`state`: the rate the next
 * settlement would apply, the next funding time, mark, index and their premium), or the funding of
 * a pair's live paper position (`position`). A spot symbol is valid (a dashboard's leg may be
 * spot): the data source answers it with an empty frame and a notice, not an error.
 */
import { isSymbol } from '../constants';
import { parsePair, type Pair } from '../pair';
import type { FundingOutput } from './model';
import { FUNDING_OUTPUTS } from './model';
import { summaryOf } from './summary';

/** The values of a funding query with no problems. */
export type ResolvedFunding =
  | { queryType: 'funding'; fundingOutput: 'rates' | 'state'; symbol: string }
  | { queryType: 'funding'; fundingOutput: 'position' | 'carry'; pair: Pair; timeframe: ResolvedTimeframe; window: number };
type ResolvedTimeframe = NonNullable<ReturnType<typeof summaryOf>>['timeframe'];

type Problem = (field: 'symbol' | 'pair' | 'timeframe' | 'window' | 'fundingOutput' | 'normalize', text: string) => undefined;

const VARIABLE = /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/;
const stillVariable = (s: string) => `${JSON.stringify(s)} still holds a template variable; alert rules and API calls need a literal value`;

/** A text field as written (trimmed); undefined when missing (a problem), or a variable (a problem where the query runs). */
function textOf(model: Record<string, unknown>, field: 'symbol' | 'pair', missing: string, variables: boolean, problem: Problem): string | undefined {
  const v = model[field];
  if (v === undefined || v === null || String(v).trim() === '') return problem(field, missing);
  const s = String(v).trim();
  if (VARIABLE.test(s)) return variables ? undefined : problem(field, stillVariable(s));
  return s;
}

/** A funding query's values; undefined (with the problems recorded) when one is wrong or still a variable. */
export function fundingOf(model: Record<string, unknown>, variables: boolean, problem: Problem): ResolvedFunding | undefined {
  const out = model.fundingOutput ?? 'rates';
  if (!(FUNDING_OUTPUTS as readonly unknown[]).includes(out)) {
    return problem('fundingOutput', `fundingOutput must be one of ${FUNDING_OUTPUTS.join(', ')}, got ${JSON.stringify(out)}`);
  }
  const fundingOutput = out as FundingOutput;
  if (fundingOutput === 'rates' || fundingOutput === 'state') {
    const s = textOf(model, 'symbol', 'enter a USD-M perpetual such as BTCUSDT.P', variables, problem)?.toUpperCase();
    if (s === undefined) return undefined;
    if (!isSymbol(s)) return problem('symbol', `"${s}" is not a symbol such as BTCUSDT.P`);
    return { queryType: 'funding', fundingOutput, symbol: s };
  }
  const text = textOf(model, 'pair', 'enter a pair such as ETHUSDT.P/BTCUSDT.P', variables, problem);
  let pair: Pair | undefined;
  if (text !== undefined) {
    try {
      pair = parsePair(text);
    } catch (e) {
      problem('pair', (e as Error).message);
    }
  }
  const tw = summaryOf(model, variables, problem);
  return pair === undefined || tw === undefined ? undefined : { queryType: 'funding', fundingOutput, pair, timeframe: tw.timeframe, window: tw.window };
}
