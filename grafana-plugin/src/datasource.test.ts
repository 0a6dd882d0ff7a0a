import { FieldType, createDataFrame, dateTime, type AnnotationQuery, type DataQueryRequest } from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { DataSource } from './datasource';
import { deepFreeze } from '@quant-pairs/testkit';
import { TestTemplateSrv, installBackendSrv, instanceSettings, resourceRoutes } from '../test/support/grafana';
import type { PairsQuery, PairsVariableQuery } from '@quant-pairs/contract';

const tpl = new TestTemplateSrv({ pair: 'SOLUSDT/ETHUSDT', tf: '5m', window: '250' });

function ds() {
  return new DataSource(instanceSettings({ collectorUrl: 'http://127.0.0.1:1' }), tpl);
}

describe('DataSource', () => {
  it('migrates and interpolates a saved query before it goes to the backend', () => {
    const saved = deepFreeze({ refId: 'A', pair: '$pair', tf: '$tf', window: '$window' }) as unknown as PairsQuery;
    expect(ds().applyTemplateVariables(saved, {})).toEqual({
      refId: 'A',
      version: 1,
      queryType: 'analytics',
      pair: 'SOLUSDT/ETHUSDT',
      timeframe: '5m',
      window: '250',
    });
  });

  it('does not send invalid or hidden queries (the editor shows why)', () => {
    const good: PairsQuery = { refId: 'A', version: 1, queryType: 'analytics', pair: '$pair', timeframe: '1m', window: '100' };
    expect(ds().filterQuery(good)).toBe(true);
    expect(ds().filterQuery({ ...good, window: 'abc' })).toBe(false);
    expect(ds().filterQuery({ ...good, hide: true })).toBe(false);
  });

  it('lists resources from the backend for editors and variables', async () => {
    const seen = installBackendSrv(resourceRoutes());
    const d = ds();
    await expect(d.listResource('pairs')).resolves.toEqual(['ETHUSDT/BTCUSDT', 'SOLUSDT/ETHUSDT']);
    expect(seen[0].url).toBe('/api/datasources/uid/pairs/resources/pairs');
    expect(seen[0].headers).toMatchObject({ 'X-Datasource-Uid': 'pairs' });

    const request = { targets: [{ refId: 'V', version: 1, kind: 'windows' }] } as unknown as DataQueryRequest<PairsVariableQuery>;
    const rsp = await lastValueFrom((d.variables as unknown as { query: (r: typeof request) => ReturnType<DataSource['query']> }).query(request));
    const frame = rsp.data[0];
    expect(frame.fields[0].name).toBe('text');
    expect(frame.fields[0].values).toEqual(['100', '500']);
  });

  it('turns any pair query into a signals query for annotations, and skips symbol queries', () => {
    const anno = ds().annotations!;
    const target: PairsQuery = deepFreeze({ refId: 'Anno', version: 1, queryType: 'analytics', pair: 'ETHUSDT/BTCUSDT', timeframe: '1m', window: '100' });
    expect(anno.prepareQuery!({ target } as AnnotationQuery<PairsQuery>)).toEqual({ ...target, queryType: 'signals' });
    const bars: PairsQuery = { refId: 'B', version: 1, queryType: 'bars', symbol: 'BTCUSDT', timeframe: '1m' };
    expect(anno.prepareQuery!({ target: bars } as AnnotationQuery<PairsQuery>)).toBeUndefined();
    expect(anno.getDefaultQuery!()).toMatchObject({ queryType: 'signals' });
  });

  it('maps signal frames to annotation events', async () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [dateTime(1000).valueOf()] },
        { name: 'signal', type: FieldType.string, values: ['LONG'] },
        { name: 'previous', type: FieldType.string, values: ['NEUTRAL'] },
        { name: 'zscore', type: FieldType.number, values: [-2.5] },
      ],
    });
    const events = await lastValueFrom(ds().annotations!.processEvents!({} as AnnotationQuery<PairsQuery>, [frame]));
    expect(events).toEqual([expect.objectContaining({ time: 1000, text: 'LONG (z = -2.50)', tags: ['LONG'] })]);
  });

  it('offers the dashboard variables as $names', () => {
    expect(ds().variableNames()).toEqual(['$pair', '$tf', '$window']);
    // Only variables whose current value fits the field: SOLUSDT/ETHUSDT is a pair, 5m is not.
    expect(ds().variableNames((v) => v.includes('/'))).toEqual(['$pair']);
  });
});
