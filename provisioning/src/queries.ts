/**
 * Typed queries of our data source for the foundation SDK's builders. A target is a
 * `PairsQuery` from the plugin's own query model (@quant-pairs/contract), so a field
 * the plugin does not know, or a missing one, fails type-checking here.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type {
  AnalyticsQuery,
  BacktestQuery,
  BarsQuery,
  FundingQuery,
  PairsQuery,
  ScanQuery,
  SignalsQuery,
  StatsQuery,
  SummaryQuery,
} from '@quant-pairs/contract';
import { MODEL_VERSION, PAIRS_DS } from './settings';

type Without<Q> = Omit<Q, 'refId' | 'version' | 'queryType' | 'datasource'>;

/** A query as a foundation-SDK builder; `build()` gives the JSON Grafana stores. */
class PairsTarget implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: PairsQuery) {}
  build(): cog.Dataquery {
    // The SDK's Dataquery is a marker interface; the JSON is the plugin's query model.
    return { ...this.query, datasource: { ...PAIRS_DS } } as unknown as cog.Dataquery;
  }
  /** The plain query model, for tests and for alert rule models. */
  model(): PairsQuery {
    return { ...this.query, datasource: { ...PAIRS_DS } };
  }
}

export function analytics(refId: string, q: Without<AnalyticsQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'analytics', ...q });
}
export function stats(refId: string, q: Without<StatsQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'stats', ...q });
}
export function signals(refId: string, q: Without<SignalsQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'signals', ...q });
}
export function bars(refId: string, q: Without<BarsQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'bars', ...q });
}

export type { PairsTarget };
export function scan(refId: string, q: Without<ScanQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'scan', ...q });
}
export function backtest(refId: string, q: Without<BacktestQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'backtest', ...q });
}
export function summary(refId: string, q: Without<SummaryQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'summary', ...q });
}
export function funding(refId: string, q: Without<FundingQuery>): PairsTarget {
  return new PairsTarget({ refId, version: MODEL_VERSION, queryType: 'funding', ...q });
}
