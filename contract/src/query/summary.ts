/**
 * The checks of the query kinds and options added for the desk (issue 28) beside validate.ts's
 * `check`: the all-pairs `summary` query (a timeframe and a window) and the bars query's
 * `normalize` switch. Same words and rules as the other kinds (a template variable is fine in the
 * editor, a problem where the query runs).
 */
import { MAX_WINDOW, MIN_WINDOW, TIMEFRAMES, type Timeframe } from '../constants';
import { describeValue } from '../json';

/** The values of a summary query with no problems. */
export interface ResolvedSummary {
  queryType: 'summary';
  timeframe: Timeframe;
  window: number;
}

type Problem = (field: 'timeframe' | 'window' | 'normalize', text: string) => undefined;

const VARIABLE = /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/;
const stillVariable = (s: string) => `${JSON.stringify(s)} still holds a template variable; alert rules and API calls need a literal value`;

/** A summary query's timeframe and window; undefined (with the problems recorded) when either is wrong or still a variable. */
export function summaryOf(model: Record<string, unknown>, variables: boolean, problem: Problem): ResolvedSummary | undefined {
  const textOf = (field: 'timeframe' | 'window', missing: string): string | undefined => {
    const v = model[field];
    if (v === undefined || v === null || String(v).trim() === '') return problem(field, missing);
    const s = String(v).trim();
    if (VARIABLE.test(s)) return variables ? undefined : problem(field, stillVariable(s));
    return s;
  };
  const tf = textOf('timeframe', 'choose a timeframe');
  let timeframe: Timeframe | undefined;
  if (tf !== undefined) {
    if ((TIMEFRAMES as readonly string[]).includes(tf)) timeframe = tf as Timeframe;
    else problem('timeframe', `"${tf}" is not a timeframe; use one of ${TIMEFRAMES.join(', ')}`);
  }
  const w = textOf('window', 'enter a window (number of bars)');
  let window: number | undefined;
  if (w !== undefined) {
    if (/^\d+$/.test(w) && Number(w) >= MIN_WINDOW && Number(w) <= MAX_WINDOW) window = Number(w);
    else problem('window', `the window must be a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}, got ${JSON.stringify(w)}`);
  }
  return timeframe === undefined || window === undefined ? undefined : { queryType: 'summary', timeframe, window };
}

/** A bars query's `normalize`: absent is false; anything but a boolean is a problem. */
export function normalizeOf(model: Record<string, unknown>, problem: Problem): boolean {
  const v = model.normalize;
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  problem('normalize', `normalize must be true or false, got ${describeValue(v)}`);
  return false;
}
