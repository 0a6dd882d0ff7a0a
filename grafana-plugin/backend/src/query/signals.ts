/** Signals: the changes of a pair's signal as events, for annotations (/api/signals). */
import { type SignalEvent } from '@quant-pairs/contract';
import type { CollectorClient } from '../collector/client';
import type { Frame, Notice } from '../frame/frame';
import { SIGNAL_CODE } from './display';
import type { PairQ } from './model';
import { analyticsField, pairParams } from './analytics';

function signalsFrame(q: PairQ, events: readonly SignalEvent[], notices: Notice[]): Frame {
  const n = events.length;
  const cols = {
    ts: new Array<number>(n),
    title: new Array<string>(n),
    text: new Array<string>(n),
    tags: new Array<string>(n),
    signal: new Array<number>(n),
    zscore: new Array<number | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    cols.ts[i] = e.ts;
    cols.title[i] = `${q.pair} ${e.signal}`;
    cols.text[i] = e.text;
    cols.tags[i] = `${q.pair},${e.signal}`;
    cols.signal[i] = SIGNAL_CODE[e.signal];
    cols.zscore[i] = e.zscore;
  }
  return {
    name: `${q.pair} ${q.tf} w${q.window} signals`,
    refId: q.refId,
    meta: { executedQueryString: `signals ${q.pair} tf=${q.tf} window=${q.window}`, ...(notices.length > 0 ? { notices } : {}) },
    fields: [
      { name: 'time', type: 'time', values: cols.ts, config: {} },
      { name: 'title', type: 'string', values: cols.title, config: {} },
      { name: 'text', type: 'string', values: cols.text, config: {} },
      { name: 'tags', type: 'string', values: cols.tags, config: {} },
      { ...analyticsField(q, 'signal', cols.signal), nullable: false },
      analyticsField(q, 'zscore', cols.zscore),
    ],
  };
}

export async function runSignals(q: PairQ, client: CollectorClient, signal?: AbortSignal): Promise<Frame> {
  const res = await client.signals({ ...pairParams(q), from: q.from, to: q.to }, signal);
  return signalsFrame(q, res.events, []);
}
