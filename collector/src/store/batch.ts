/**
 * The first step of every store's insert: validate each tick (a bad one is counted, logged
 * once per batch with its reason, and skipped) and group the rest by symbol, keeping their order.
 */
import { tickProblem, type Tick } from '../domain';
import { log } from '../log';

export interface GroupedBatch {
  groups: Map<string, Tick[]>;
  invalid: number;
}

export class BatchGrouper {
  /** Symbols already validated: the regex runs once per symbol, not once per tick. */
  private readonly okSymbols = new Set<string>();

  constructor(private readonly engine: string) {}

  /** Ticks are valid in almost every batch: check cheaply, and ask `tickProblem` only for the reason. */
  valid(t: Tick): boolean {
    if (
      this.okSymbols.has(t.symbol) &&
      Number.isSafeInteger(t.id) &&
      t.id >= 0 &&
      t.ts > 0 &&
      t.ts < Infinity &&
      t.price > 0 &&
      t.price < Infinity &&
      t.qty >= 0 &&
      t.qty < Infinity &&
      typeof t.isBuyerMaker === 'boolean'
    ) {
      return true;
    }
    if (tickProblem(t) !== null || typeof t.isBuyerMaker !== 'boolean') return false;
    this.okSymbols.add(t.symbol);
    return true;
  }

  group(ticks: readonly Tick[]): GroupedBatch {
    let invalid = 0;
    let firstBad: Tick | null = null;
    const groups = new Map<string, Tick[]>();
    let lastSymbol: string | null = null;
    let group: Tick[] = [];
    for (const t of ticks) {
      if (!this.valid(t)) {
        invalid++;
        firstBad ??= t;
        continue;
      }
      if (t.symbol !== lastSymbol) {
        lastSymbol = t.symbol;
        let g = groups.get(t.symbol);
        if (!g) groups.set(t.symbol, (g = []));
        group = g;
      }
      group.push(t);
    }
    if (firstBad) {
      log.warn('store skipped invalid ticks', { engine: this.engine, invalid, reason: tickProblem(firstBad) ?? 'isBuyerMaker is not a boolean' });
    }
    return { groups, invalid };
  }
}

/** The time range and the highest id of a non-empty run of one symbol's stored ticks: what a batch adds to the symbol's counters. */
export function tickSpan(ticks: readonly Tick[]): { minTs: number; maxTs: number; maxId: number } {
  let minTs = Infinity;
  let maxTs = -Infinity;
  let maxId = -Infinity;
  for (const t of ticks) {
    if (t.ts < minTs) minTs = t.ts;
    if (t.ts > maxTs) maxTs = t.ts;
    if (t.id > maxId) maxId = t.id;
  }
  return { minTs, maxTs, maxId };
}

/**
 * The ticks of one symbol's group with repeated ids removed (the first copy is kept), and how
 * many were removed. Rising ids cannot repeat, so a set is built only on the first id that
 * does not rise: a live batch costs one comparison per tick.
 */
export function firstOfEachId(group: readonly Tick[]): { unique: Tick[]; repeats: number } {
  const unique: Tick[] = [];
  let repeats = 0;
  let maxSeen = -1;
  let seen: Set<number> | null = null;
  for (const t of group) {
    if (t.id > maxSeen) {
      maxSeen = t.id;
      unique.push(t);
      seen?.add(t.id);
      continue;
    }
    seen ??= new Set(unique.map((u) => u.id));
    if (seen.has(t.id)) {
      repeats++;
    } else {
      seen.add(t.id);
      unique.push(t);
    }
  }
  return { unique, repeats };
}
