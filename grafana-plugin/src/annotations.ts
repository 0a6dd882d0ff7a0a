/**
 * Annotations from signal changes: each row of a signals frame (or each bar of an analytics
 * frame where the signal differs from the bar before) becomes one event, "SHORT (z = 2.31)",
 * tagged with the signal and coloured like a trading screen (LONG green, SHORT red, NEUTRAL grey).
 * Fields are found by name, case-insensitively: time (else the first time field), signal,
 * zscore (or z), text, title, tags (comma-separated), previous, pair (else the frame's `pair`
 * label). A backtest's trades frame (side, time, timeEnd, text) gives one region a trade, from its
 * entry fill to its exit fill, coloured by side, its P&L in the text. The signal may be a word or the backend's code (LONG 1, NEUTRAL 0, SHORT -1) with
 * value mappings back to the words (backend/src/query/display.ts).
 */
import { FieldType, type AnnotationEvent, type DataFrame, type Field } from '@grafana/data';

export const SIGNAL_COLORS: Record<string, string> = {
  LONG: '#73BF69',
  SHORT: '#F2495C',
  NEUTRAL: '#8e8e8e',
};

function byName(frame: DataFrame, ...names: string[]): Field | undefined {
  for (const n of names) {
    const f = frame.fields.find((x) => x.name.toLowerCase() === n);
    if (f) {
      return f;
    }
  }
  return undefined;
}

const SIGNAL_WORDS: Record<string, string> = { '1': 'LONG', '0': 'NEUTRAL', '-1': 'SHORT' };

/** The signal of row i as a word: the value itself, its value mapping, or the backend's code. */
function signalWord(field: Field, i: number): string | undefined {
  const v = field.values[i];
  if (typeof v === 'string') {
    return v === '' ? undefined : v;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    return undefined;
  }
  for (const m of field.config?.mappings ?? []) {
    if (m.type === 'value') {
      const text = m.options[String(v)]?.text;
      if (text) {
        return text;
      }
    }
  }
  return SIGNAL_WORDS[String(v)];
}

function str(f: Field | undefined, i: number): string | undefined {
  const v = f?.values[i];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Words for one signal change, e.g. `SHORT (z = 2.31)`; `z = n/a` when z is unknown. */
export function signalText(signal: string, z: number | null): string {
  return `${signal} (z = ${z === null ? 'n/a' : z.toFixed(2)})`;
}

export function signalEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const time = byName(frame, 'time', 'ts') ?? frame.fields.find((f) => f.type === FieldType.time);
    // a backtest's trades: side in place of the signal, each trade a region to its exit fill
    const signal = byName(frame, 'signal', 'side');
    const timeEnd = byName(frame, 'timeend');
    if (!time || !signal) {
      continue;
    }
    const z = byName(frame, 'zscore', 'z');
    const text = byName(frame, 'text');
    const title = byName(frame, 'title');
    const tags = byName(frame, 'tags');
    const previous = byName(frame, 'previous');
    const pairField = byName(frame, 'pair');
    const label = signal.labels?.pair ?? z?.labels?.pair;
    // A frame of events (it has text or previous) is one event per row; a series of bars is
    // one event per change.
    const isEvents = Boolean(text || previous);
    let last: unknown = undefined;
    for (let i = 0; i < frame.length; i++) {
      const s = signalWord(signal, i);
      const t = num(time.values[i]);
      if (s === undefined || t === null) {
        continue;
      }
      const changed = isEvents || (last !== undefined && s !== last);
      last = s;
      if (!changed) {
        continue;
      }
      const zv = z ? num(z.values[i]) : null;
      const pair = (pairField?.values[i] as string | undefined) ?? label;
      const tagText = str(tags, i);
      const end = timeEnd ? num(timeEnd.values[i]) : null;
      events.push({
        ...(end !== null && end > t ? { timeEnd: end, isRegion: true } : {}),
        time: t,
        title: str(title, i) ?? (pair ? `${pair}: ${s}` : s),
        text: str(text, i) ?? signalText(s, zv),
        tags: tagText
          ? tagText
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : pair
            ? [s, pair]
            : [s],
        color: SIGNAL_COLORS[s],
      });
    }
  }
  return events.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
}
