/**
 * Which trade ids of one symbol have been seen, as a high-water mark plus the holes below it.
 *
 * Binance trade ids (`t`) and aggregate ids (`a`) are contiguous per symbol, so a live id above
 * `high + 1` opens a gap [high + 1, id - 1] that REST backfill must close. An id is new when it
 * is above `high` or inside a gap; everything else is a duplicate (a reconnect overlap, a
 * backfill page reaching into live data) and is dropped before it reaches listeners.
 *
 *   const t = new IdTracker(10);
 *   t.accept(11); // true
 *   t.accept(14); // true, gaps = [[12, 13]]
 *   t.accept(11); // false (duplicate)
 *   t.accept(12); // true, gaps = [[13, 13]]
 */
export class IdTracker {
  /** Inclusive, disjoint, ascending. */
  readonly gaps: Array<[number, number]> = [];

  constructor(public high: number | null = null) {}

  /** Records `id`; true when it had not been seen. */
  accept(id: number): boolean {
    if (this.high === null || id > this.high) {
      if (this.high !== null && id > this.high + 1) this.gaps.push([this.high + 1, id - 1]);
      this.high = id;
      return true;
    }
    for (let i = 0; i < this.gaps.length; i++) {
      const g = this.gaps[i]!;
      if (id < g[0]) return false;
      if (id > g[1]) continue;
      // id lies in gap g: shrink it from an end, or split it in two.
      if (g[0] === g[1]) this.gaps.splice(i, 1);
      else if (id === g[0]) g[0]++;
      else if (id === g[1]) g[1]--;
      else this.gaps.splice(i, 1, [g[0], id - 1], [id + 1, g[1]]);
      return true;
    }
    return false;
  }

  /** Number of ids still missing below `high`. */
  missing(): number {
    let n = 0;
    for (const [a, b] of this.gaps) n += b - a + 1;
    return n;
  }

  /** Gives up on ids below `id` in the first gap (the server no longer has them); returns how many. */
  abandonBelow(id: number): number {
    const g = this.gaps[0];
    if (!g || id <= g[0]) return 0;
    const upto = Math.min(id - 1, g[1]);
    const n = upto - g[0] + 1;
    if (upto === g[1]) this.gaps.shift();
    else g[0] = upto + 1;
    return n;
  }

  /**
   * Ids up to `id` are stored by someone else (history loaded beside the ingest): no gap reaches
   * there any more, and the high-water mark is at least `id`; returns how many missing ids that was.
   */
  coverThrough(id: number): number {
    let n = 0;
    while (this.gaps.length > 0 && this.gaps[0]![0] <= id) {
      const g = this.gaps[0]!;
      const upto = Math.min(id, g[1]);
      n += upto - g[0] + 1;
      if (upto === g[1]) this.gaps.shift();
      else g[0] = upto + 1;
    }
    if (this.high === null || this.high < id) this.high = id;
    return n;
  }

  /** Ids [from, to] are missing below everything seen (history stored less than the live start needs). */
  missBelow(from: number, to: number): void {
    if (from > to) return;
    const first = this.gaps[0];
    if (first && first[0] <= to + 1) first[0] = Math.min(first[0], from);
    else this.gaps.unshift([from, to]);
  }
}
