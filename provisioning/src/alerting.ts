/**
 * Grafana-managed alert rules, contact points and the notification policy, in Grafana's
 * file-provisioning format (field names from grafana/grafana
 * pkg/services/provisioning/alerting/rules_types.go; see ../../shared/grafana/contracts.md §3-4).
 *
 * Per pair, a "cointegration lost" rule too (cointRule: the scanner's p-value above 0.10 for
 * three scans). Per USD-M perpetual leg of the pairs (`BTCUSDT.P`, issue 25), a "funding rate"
 * rule: its last settled funding rate beyond ±FUNDING_ALERT_RATE (fundingRule).
 *
 * One rule per pair: A = our data source's analytics query asking for the z-score alone,
 * B = reduce A to its last non-null value, C = threshold "B outside (-z, +z)" (exclusive,
 * so |z| > z fires). The labels carry pair, timeframe, window and direction (SHORT when the
 * spread is above its mean, LONG below), the summary states z and the signal.
 */
import type * as expr from '@grafana/grafana-foundation-sdk/expr';
import { COINT_LOST_PVALUE, SCAN_DEFAULTS, isPerp } from '@quant-pairs/contract';
import { analytics, funding, scan } from './queries';
import { DATASOURCE_UID, FOLDER, type GenerateOptions } from './settings';

const EXPR_UID = '__expr__';
const RULE_GROUP = 'z-score';
const COINT_RULE_GROUP = 'cointegration';
/**
 * Grafana's alert scheduler ticks every 10 s (its base interval) and refuses a rule group whose
 * interval is not a positive multiple of it: "interval (15s) should be non-zero and divided
 * exactly by scheduler interval: 10" (grafana/grafana pkg/services/ngalert/models/alert_rule.go
 * `ValidateRuleGroupInterval`); a provisioning error there stops Grafana at start-up.
 */
const SCHEDULER_TICK_SECONDS = 10;
/** How often the rule group is evaluated, seconds: one scheduler tick, the fastest Grafana allows. */
const EVAL_INTERVAL_SECONDS = SCHEDULER_TICK_SECONDS;
const WEBHOOK_RECEIVER = 'collector-webhook';
const EMAIL_RECEIVER = 'trading-desk-email';

/** Seconds of history each evaluation asks for: ten bars, enough for the last z. */
const LOOKBACK_BARS = 10;
const TF_SECONDS = { '1s': 1, '1m': 60, '5m': 300 } as const;

// ---- the file-provisioning format (rules_types.go, contact points, policies) ----
type ExprModel = Omit<expr.TypeReduce, '_implementsDataqueryVariant'> | Omit<expr.TypeThreshold, '_implementsDataqueryVariant'>;

interface RuleQuery {
  refId: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}
interface ProvisionedRule {
  uid: string;
  title: string;
  condition: string;
  data: RuleQuery[];
  noDataState: 'NoData' | 'Alerting' | 'OK';
  execErrState: 'Error' | 'Alerting' | 'OK';
  for: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  isPaused: boolean;
  /** The panel the rule belongs to: its state shows there as annotations. */
  dashboardUid?: string;
  panelId?: number;
}

/** A dashboard panel to link the rules to. */
export interface PanelLink {
  dashboardUid: string;
  panelId: number;
}
export interface RulesFile {
  apiVersion: 1;
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: ProvisionedRule[] }>;
}
export interface ContactPointsFile {
  apiVersion: 1;
  contactPoints: Array<{
    orgId: number;
    name: string;
    receivers: Array<{ uid: string; type: 'webhook' | 'email'; settings: Record<string, unknown>; disableResolveMessage: boolean }>;
  }>;
}
export interface PoliciesFile {
  apiVersion: 1;
  policies: Array<{
    orgId: number;
    receiver: string;
    group_by: string[];
    group_wait: string;
    group_interval: string;
    repeat_interval: string;
    routes: Array<{ receiver: string; object_matchers: Array<[string, string, string]>; continue?: boolean }>;
  }>;
}

/**
 * A pair in a rule uid: `ETHUSDT/BTCUSDT` -> `ethusdt-btcusdt`, a perpetual's `.P` as `_p`
 * (`BTCUSDT.P/BTCUSDT` -> `btcusdt_p-btcusdt`): Grafana's uids are at most 40 of [a-zA-Z0-9-_]
 * (pkg/util/shortid_generator.go, validUIDPattern and MaxUIDLength), no '.'.
 */
const uidPart = (pair: string): string => pair.toLowerCase().replace('/', '-').replaceAll('.', '_');

/** `ETHUSDT/BTCUSDT` -> `z-ethusdt-btcusdt` (rule uids: at most 40 of [A-Za-z0-9-_]). */
function ruleUid(pair: string): string {
  const uid = `z-${uidPart(pair)}`;
  return uid.length <= 40 ? uid : uid.slice(0, 40);
}

/** The data-source query of a pair's rule: the plugin's own query model, z alone. */
function ruleQuery(pair: string, opts: GenerateOptions) {
  return analytics('A', {
    pair,
    timeframe: opts.alertTimeframe,
    window: opts.alertWindow,
    entryZ: opts.alertZ,
    fields: ['zscore'],
  }).model();
}

/**
 * The server-side expressions every rule ends with: B = the last non-null value of query A,
 * C = `evaluator` on B (the rule's condition).
 */
function lastThenThreshold(evaluator: NonNullable<expr.TypeThreshold['conditions']>[number]['evaluator']): RuleQuery[] {
  const reduce: ExprModel = {
    refId: 'B',
    type: 'reduce',
    expression: 'A',
    reducer: 'last',
    settings: { mode: 'dropNN' },
    datasource: { type: EXPR_UID, uid: EXPR_UID },
  };
  const threshold: ExprModel = {
    refId: 'C',
    type: 'threshold',
    expression: 'B',
    conditions: [{ evaluator }],
    datasource: { type: EXPR_UID, uid: EXPR_UID },
  };
  return [
    { refId: 'B', datasourceUid: EXPR_UID, model: reduce },
    { refId: 'C', datasourceUid: EXPR_UID, model: threshold },
  ];
}

function zRule(pair: string, opts: GenerateOptions, link?: PanelLink): ProvisionedRule {
  const z = opts.alertZ;
  const zText = '{{ printf "%.2f" $values.B.Value }}';
  return {
    uid: ruleUid(pair),
    title: `|z| > ${z}: ${pair} ${opts.alertTimeframe}`,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: LOOKBACK_BARS * TF_SECONDS[opts.alertTimeframe], to: 0 },
        datasourceUid: DATASOURCE_UID,
        model: { ...ruleQuery(pair, opts), intervalMs: 1000, maxDataPoints: 43200 },
      },
      ...lastThenThreshold({ type: 'outside_range', params: [-z, z] }),
    ],
    // Warm-up (fewer bars than the window) gives no z: that is not an alert.
    noDataState: 'OK',
    // The collector unreachable or a bad query: say so.
    execErrState: 'Error',
    for: '0s',
    labels: {
      pair,
      timeframe: opts.alertTimeframe,
      window: opts.alertWindow,
      // Grafana expands $VAR in provisioned labels (not in annotations, which take only
      // ${VAR}); `$$` is its escape for a literal `$`.
      direction: '{{ if gt $$values.B.Value 0.0 }}SHORT{{ else }}LONG{{ end }}',
    },
    annotations: {
      summary:
        `${pair} z = ${zText} ({{ $labels.timeframe }} bars, window {{ $labels.window }}): ` +
        `{{ if gt $values.B.Value 0.0 }}SHORT the spread (sell ${pair.split('/')[0]}, buy beta x ${pair.split('/')[1]})` +
        `{{ else }}LONG the spread (buy ${pair.split('/')[0]}, sell beta x ${pair.split('/')[1]}){{ end }}`,
      description: `The z-score of the spread of ${pair} left the band -${z}..${z}. Rule: last z outside (-${z}, ${z}), evaluated every ${EVAL_INTERVAL_SECONDS} s.`,
    },
    isPaused: false,
    ...(link ? { dashboardUid: link.dashboardUid, panelId: link.panelId } : {}),
  };
}

/** Evaluations of the "cointegration lost" rules: once a minute (a multiple of the 10 s tick). */
const COINT_EVAL_SECONDS = 60;
/** Scans above the threshold in a row before it fires: "several evaluations" of the scanner's closes. */
const COINT_LOST_SCANS = 3;

/** `ETHUSDT/BTCUSDT` -> `coint-ethusdt-btcusdt`. */
function cointRuleUid(pair: string): string {
  return `coint-${uidPart(pair)}`.slice(0, 40);
}

/**
 * "Cointegration lost": A = the scan history of the pair (its Engle-Granger p-value over the scan
 * window, the larger of both directions), B = its last value, C = B > COINT_LOST_PVALUE, pending
 * for COINT_LOST_SCANS scans of SCAN_TF before it fires, so one noisy scan does not.
 */
function cointRule(pair: string, link?: PanelLink): ProvisionedRule {
  const tfSec = TF_SECONDS[SCAN_DEFAULTS.tf];
  return {
    uid: cointRuleUid(pair),
    title: `cointegration lost: ${pair}`,
    condition: 'C',
    data: [
      {
        refId: 'A',
        // a few scans back: the last one is always in range
        relativeTimeRange: { from: 3 * tfSec, to: 0 },
        datasourceUid: DATASOURCE_UID,
        model: {
          ...scan('A', { timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window), pair, scanFields: ['pvalue'] }).model(),
          intervalMs: 1000,
          maxDataPoints: 1000,
        },
      },
      ...lastThenThreshold({ type: 'gt', params: [COINT_LOST_PVALUE] }),
    ],
    // no scan yet (warm-up, the pair not in the universe): not an alert
    noDataState: 'OK',
    execErrState: 'Error',
    for: `${COINT_LOST_SCANS * tfSec}s`,
    labels: { pair, timeframe: SCAN_DEFAULTS.tf, window: String(SCAN_DEFAULTS.window), kind: 'cointegration' },
    annotations: {
      summary: `${pair}: Engle-Granger p = {{ printf "%.3f" $values.B.Value }} over the last ${SCAN_DEFAULTS.window} ${SCAN_DEFAULTS.tf} bars: no longer cointegrated at ${COINT_LOST_PVALUE}`,
      description: `The pair scanner's p-value of ${pair} (the larger of coint(A, B) and coint(B, A)) stayed above ${COINT_LOST_PVALUE} for ${COINT_LOST_SCANS} scans; its spread may no longer mean-revert.`,
    },
    isPaused: false,
    ...(link ? { dashboardUid: link.dashboardUid, panelId: link.panelId } : {}),
  };
}

/**
 * The funding rate a settlement may reach before the rule fires: 0.05 % an interval, five times
 * Binance's usual 0.01 % (8-hourly, ~11 % a year) and about 55 % a year: a crowded side, when a
 * spread position's carry can outweigh its expected reversion.
 */
export const FUNDING_ALERT_RATE = 0.0005;
const FUNDING_RULE_GROUP = 'funding';
/** Evaluated every 5 minutes; settlements come every 8, 4 or 1 h (every minute in the demo). */
const FUNDING_EVAL_SECONDS = 300;

/** Each USD-M perpetual leg of the pairs, once, in order. */
function perpSymbols(pairs: readonly string[]): string[] {
  return [...new Set(pairs.flatMap((p) => p.split('/')).filter(isPerp))];
}

/** A: the perpetual's settled funding rates (one field), B: the last, C: B outside ±FUNDING_ALERT_RATE. */
function fundingRule(symbol: string): ProvisionedRule {
  return {
    uid: `funding-${symbol.toLowerCase().replace('.', '-')}`.slice(0, 40),
    title: `funding rate beyond ±${FUNDING_ALERT_RATE * 100} %: ${symbol}`,
    condition: 'C',
    data: [
      {
        refId: 'A',
        // a day back: the last settlement of an 8-hourly symbol is always in range
        relativeTimeRange: { from: 86_400, to: 0 },
        datasourceUid: DATASOURCE_UID,
        model: { ...funding('A', { fundingOutput: 'rates', symbol }).model(), intervalMs: 60_000, maxDataPoints: 1000 },
      },
      ...lastThenThreshold({ type: 'outside_range', params: [-FUNDING_ALERT_RATE, FUNDING_ALERT_RATE] }),
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: '0s',
    labels: { symbol, kind: 'funding', side: '{{ if gt $$values.B.Value 0.0 }}longs pay{{ else }}shorts pay{{ end }}' },
    annotations: {
      summary: `${symbol} settled funding at {{ printf "%.4f" $values.B.Value }} (x 100 for %): {{ if gt $values.B.Value 0.0 }}longs pay shorts{{ else }}shorts pay longs{{ end }}`,
      description: `The last settled funding rate of ${symbol} is beyond ±${FUNDING_ALERT_RATE} (${FUNDING_ALERT_RATE * 100} % an interval). A spread position with this leg pays or earns it at every settlement.`,
    },
    isPaused: false,
  };
}

export function rulesFile(opts: GenerateOptions, link?: PanelLink, cointLinks: Record<string, PanelLink> = {}): RulesFile {
  for (const seconds of [EVAL_INTERVAL_SECONDS, COINT_EVAL_SECONDS, FUNDING_EVAL_SECONDS]) {
    if (seconds <= 0 || seconds % SCHEDULER_TICK_SECONDS !== 0) {
      throw new Error(`the rule group interval ${seconds}s must be a positive multiple of Grafana's ${SCHEDULER_TICK_SECONDS} s scheduler tick`);
    }
  }
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: RULE_GROUP,
        folder: FOLDER.title,
        interval: `${EVAL_INTERVAL_SECONDS}s`,
        rules: opts.pairs.map((p) => zRule(p, opts, link)),
      },
      {
        orgId: 1,
        name: COINT_RULE_GROUP,
        folder: FOLDER.title,
        interval: `${COINT_EVAL_SECONDS}s`,
        rules: opts.pairs.map((p) => cointRule(p, cointLinks[p])),
      },
      // only when the pairs have a perpetual leg (Grafana refuses a group without rules)
      ...(perpSymbols(opts.pairs).length === 0
        ? []
        : [
            { orgId: 1, name: FUNDING_RULE_GROUP, folder: FOLDER.title, interval: `${FUNDING_EVAL_SECONDS}s`, rules: perpSymbols(opts.pairs).map(fundingRule) },
          ]),
    ],
  };
}

export function contactPointsFile(): ContactPointsFile {
  return {
    apiVersion: 1,
    contactPoints: [
      {
        orgId: 1,
        name: WEBHOOK_RECEIVER,
        receivers: [
          {
            uid: 'collector-webhook',
            type: 'webhook',
            settings: {
              // Stored and listed by the collector: GET /api/alerts.
              url: '${COLLECTOR_URL}/api/alerts',
              httpMethod: 'POST',
              authorization_scheme: 'Bearer',
              authorization_credentials: '${API_TOKEN}',
              maxAlerts: 0,
            },
            disableResolveMessage: false,
          },
        ],
      },
      {
        orgId: 1,
        name: EMAIL_RECEIVER,
        receivers: [
          {
            uid: 'trading-desk-email',
            type: 'email',
            // An example, not routed to: set ALERT_EMAIL and Grafana's SMTP settings (GF_SMTP_*),
            // then add a route to it in the policy (README).
            settings: { addresses: '${ALERT_EMAIL}', singleEmail: true },
            disableResolveMessage: false,
          },
        ],
      },
    ],
  };
}

export function policiesFile(): PoliciesFile {
  return {
    apiVersion: 1,
    policies: [
      {
        orgId: 1,
        receiver: WEBHOOK_RECEIVER,
        group_by: ['grafana_folder', 'alertname', 'pair'],
        group_wait: '5s',
        group_interval: '1m',
        repeat_interval: '4h',
        routes: [
          // The z-score alerts go to the collector (stored, GET /api/alerts). To e-mail them
          // as well, add `continue: true` here and a route to EMAIL_RECEIVER (README).
          { receiver: WEBHOOK_RECEIVER, object_matchers: [['pair', '=~', '.+']] },
        ],
      },
    ],
  };
}
