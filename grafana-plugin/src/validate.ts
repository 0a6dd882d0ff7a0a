/**
 * What is wrong with a query, field by field, in words for the editor. A query with problems
 * is not sent (DataSource.filterQuery), so a typo shows up under the field instead of as a
 * failed panel. Template variables are accepted where a value is expected: they are checked
 * by the backend once Grafana has interpolated them.
 */
import { hasVariable, splitPair } from './query';
import { DEFAULT_ENTRY_Z, MAX_TICKS_LIMIT, MAX_WINDOW, MIN_WINDOW, TIMEFRAMES, type PairsQuery } from './types';

export type Problems = Partial<Record<'symbol' | 'pair' | 'timeframe' | 'window' | 'entryZ' | 'exitZ' | 'limit' | 'queryType', string>>;

const SYMBOL = /^[A-Z0-9]{2,30}$/;

function symbolProblem(s: string | undefined, what: string): string | undefined {
  const v = (s ?? '').trim();
  if (v === '') {
    return `choose a ${what}`;
  }
  if (hasVariable(v)) {
    return undefined;
  }
  return SYMBOL.test(v.toUpperCase()) ? undefined : `"${v}" is not a Binance symbol such as BTCUSDT`;
}

export function validateQuery(q: PairsQuery): Problems {
  const p: Problems = {};
  const tf = (q as { timeframe?: string }).timeframe;
  const checkTimeframe = () => {
    const v = (tf ?? '').trim();
    if (v === '') {
      p.timeframe = 'choose a timeframe';
    } else if (!hasVariable(v) && !(TIMEFRAMES as readonly string[]).includes(v)) {
      p.timeframe = `"${v}" is not a timeframe; use one of ${TIMEFRAMES.join(', ')}`;
    }
  };
  switch (q.queryType) {
    case 'ticks': {
      const s = symbolProblem(q.symbol, 'symbol');
      if (s) {
        p.symbol = s;
      }
      if (q.limit !== undefined && !(Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= MAX_TICKS_LIMIT)) {
        p.limit = `the limit must be a whole number from 1 to ${MAX_TICKS_LIMIT}`;
      }
      break;
    }
    case 'bars': {
      const s = symbolProblem(q.symbol, 'symbol');
      if (s) {
        p.symbol = s;
      }
      checkTimeframe();
      break;
    }
    case 'analytics':
    case 'stats':
    case 'signals': {
      const pair = (q.pair ?? '').trim();
      if (pair === '') {
        p.pair = 'choose a pair';
      } else if (!hasVariable(pair)) {
        const legs = splitPair(pair);
        if (!legs) {
          p.pair = `"${pair}" is not a pair; write it as Y/X, e.g. ETHUSDT/BTCUSDT`;
        } else {
          const problem = symbolProblem(legs.y, 'Y leg') ?? symbolProblem(legs.x, 'X leg');
          if (problem) {
            p.pair = problem;
          } else if (legs.y.toUpperCase() === legs.x.toUpperCase()) {
            p.pair = 'the two legs of a pair must differ';
          }
        }
      }
      checkTimeframe();
      const w = (q.window ?? '').trim();
      if (w === '') {
        p.window = 'enter a window (number of bars)';
      } else if (!hasVariable(w)) {
        const n = Number(w);
        if (!/^\d+$/.test(w) || n < MIN_WINDOW || n > MAX_WINDOW) {
          p.window = `the window must be a whole number of bars from ${MIN_WINDOW} to ${MAX_WINDOW}`;
        }
      }
      if (q.entryZ !== undefined && !(Number.isFinite(q.entryZ) && q.entryZ > 0)) {
        p.entryZ = 'the entry threshold |z| must be a number above 0';
      }
      if (q.exitZ !== undefined) {
        if (!(Number.isFinite(q.exitZ) && q.exitZ >= 0)) {
          p.exitZ = 'the exit threshold |z| must be a number, 0 or more';
        } else if (q.exitZ >= (q.entryZ ?? DEFAULT_ENTRY_Z)) {
          p.exitZ = 'the exit threshold must be below the entry threshold';
        }
      }
      break;
    }
    default:
      p.queryType = `unknown query type "${String((q as { queryType?: unknown }).queryType)}"`;
  }
  return p;
}

export function isValid(q: PairsQuery): boolean {
  return Object.keys(validateQuery(q)).length === 0;
}
