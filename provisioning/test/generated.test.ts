/** The committed files are exactly what the TypeScript definitions generate; bad options are refused by name. */
import { generate } from '../src/generate';
import { OptionsError, optionsFromEnv } from '../src/settings';
import { readText } from './files';

describe('generated files', () => {
  it('the committed files equal `npm run generate` with the default options', () => {
    const files = generate(optionsFromEnv({}));
    expect(files.size).toBe(11); // data sources, dashboards provider, 6 dashboards, rules, contact points, policies
    for (const [rel, content] of files) {
      // A difference here means: run `npm run generate -w provisioning` and commit.
      expect({ rel, content: readText(rel) }).toEqual({ rel, content });
    }
  });

  it('PAIRS gives a rule per pair; the first is the dashboard default', () => {
    const files = generate(optionsFromEnv({ PAIRS: 'bnbusdt/btcusdt, ETHUSDT/BTCUSDT' }));
    const rules = files.get('alerting/rules.yaml')!;
    expect(rules).toContain('uid: z-bnbusdt-btcusdt');
    expect(rules).toContain('uid: z-ethusdt-btcusdt');
    const dash = JSON.parse(files.get('dashboards/json/pair-overview.json')!);
    const current = Object.fromEntries(dash.templating.list.map((v: any) => [v.name, v.current.value]));
    expect(current).toMatchObject({ pair: 'BNBUSDT/BTCUSDT', y: 'BNBUSDT', x: 'BTCUSDT' });
  });

  it('a perpetual in PAIRS gets a funding rule (issue 25): each .P leg once, its label the .P symbol; none without', () => {
    const files = generate(optionsFromEnv({ PAIRS: 'ETHUSDT.P/BTCUSDT.P,BTCUSDT.P/BTCUSDT' }));
    const rules = files.get('alerting/rules.yaml')!;
    const group = rules.slice(rules.indexOf('name: funding'));
    expect(group.match(/uid: funding-[a-z-]+/g)).toEqual(['uid: funding-ethusdt-p', 'uid: funding-btcusdt-p']);
    expect(group).toContain('symbol: ETHUSDT.P');
    expect(group).toContain('title: "funding rate beyond ±0.05 %: BTCUSDT.P"');
    // the query is the plugin's funding query of the settled rates (one field), the threshold ±0.0005
    expect(group).toMatch(/queryType: funding\n\s+fundingOutput: rates\n\s+symbol: ETHUSDT\.P/);
    expect(group).toMatch(/- -0\.0005\n\s+- 0\.0005\n/);
    expect(generate(optionsFromEnv({})).get('alerting/rules.yaml')).not.toContain('name: funding');
  });

  it('ALERT_Z changes the threshold of every rule, and the bands and signals of the dashboard', () => {
    const files = generate(optionsFromEnv({ ALERT_Z: '2.5' }));
    expect(files.get('alerting/rules.yaml')!.match(/- -2\.5\n\s+- 2\.5\n/g)).toHaveLength(2);
    const dash = JSON.parse(files.get('dashboards/json/pair-overview.json')!);
    const zPanel = dash.panels.find((p: any) => p.type === 'timeseries' && p.targets[0].fields?.includes('zscore'));
    expect(zPanel.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value)).toEqual([null, -2.5, 2.5]);
    // every pair query takes $entry, whose default it is, but the paper position's, which asks the collector's
    // live engine (its own ENTRY_Z): a query with an entryZ is answered from stored bars, without a position
    expect(dash.templating.list.find((v: any) => v.name === 'entry').current.value).toBe('2.5');
    // and the OU band (a backtest output of the latest OU fit, issue 26), which no z threshold shapes,
    // (and the funding panels of issue 25: the live row's funding, and the funding query, which takes no threshold)
    const paper = [
      'Paper position',
      'Unrealised P&L',
      'Paper equity',
      'Paper trades closed',
      'Paper position funding',
      'Next funding',
      'Next funding rate',
      'Mark-index premium',
    ];
    for (const p of dash.panels)
      for (const t of p.targets)
        if (t.pair && t.queryType !== 'scan' && t.queryType !== 'funding' && t.output !== 'ouband')
          expect([p.title, t.entryZ]).toEqual([p.title, paper.includes(p.title) ? undefined : '$entry']);
    const spread = dash.panels.find((p: any) => p.targets.some((t: any) => t.output === 'ouband'));
    expect(spread.targets.map((t: any) => [t.refId, t.fields ?? t.output])).toEqual([
      ['A', ['spread', 'spreadMean']],
      ['B', 'ouband'],
    ]);
  });

  it.each([
    [{ PAIRS: 'ETHUSDT' }, /PAIRS: pair "ETHUSDT" must look like/],
    [{ PAIRS: 'BTCUSDT/BTCUSDT' }, /PAIRS: .* the two legs must differ/],
    [{ PAIRS: 'A/B,A/B' }, /PAIRS/],
    [{ PAIRS: ' , ' }, /PAIRS: give at least one pair/],
    [{ ALERT_TIMEFRAME: '1h' }, /ALERT_TIMEFRAME: "1h" must be one of 1s, 1m, 5m/],
    [{ ALERT_WINDOW: '1' }, /ALERT_WINDOW: "1" must be a whole number/],
    [{ ALERT_Z: '-1' }, /ALERT_Z: "-1" must be a positive number/],
    [{ ALERT_Z: 'two' }, /ALERT_Z: "two"/],
  ])('refuses %j', (env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(OptionsError);
    expect(() => optionsFromEnv(env)).toThrow(message);
  });
});
