/**
 * What every query kind's frame shares (see run.ts for the shapes and labels): the wide
 * time-series meta, a numeric field's labels, the time field.
 */
import type { Field, FrameMeta, Notice } from '../frame/frame';

const WIDE: FrameMeta = { type: 'timeseries-wide', typeVersion: [0, 1] };

export function meta(extra: Partial<FrameMeta>, notices: Notice[]): FrameMeta {
  const m: FrameMeta = { ...WIDE, ...extra };
  if (notices.length > 0) m.notices = notices;
  return m;
}

/** A numeric field's labels: the frame's subject plus the field's own name. */
export function labelsOf(subject: Record<string, string>, field: string): Record<string, string> {
  return { ...subject, field };
}

export function timeField(values: readonly number[], intervalMs?: number): Field {
  return { name: 'time', type: 'time', values, config: intervalMs ? { interval: intervalMs } : {} };
}
