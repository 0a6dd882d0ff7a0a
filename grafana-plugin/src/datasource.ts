/**
 * The quant-pairs data source: panels, alert rules, variables and annotations all query the
 * TypeScript backend through Grafana (`DataSourceWithBackend`), so a panel shows exactly what
 * an alert rule evaluates. Live mode needs nothing here: for `live: true` the backend answers
 * with a frame whose `meta.channel` is `ds/<uid>/...`, and DataSourceWithBackend subscribes
 * to that Grafana Live channel and appends what the backend's stream pushes every 500 ms.
 */
import { CoreApp, type AnnotationQuery, type DataFrame, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { of } from 'rxjs';

import { signalEvents } from './annotations';
import {
  DEFAULT_QUERY,
  PAIR_QUERY_TYPES,
  RESOURCE_PATHS,
  isValid,
  migrateQuery,
  type PairsDataSourceOptions,
  type PairsQuery,
  type ResourceKind,
} from '@quant-pairs/contract';
import { interpolateQuery, withQueryType } from './query';
import { resourceValues } from './resources';
import { PairsVariableSupport } from './variables';

export class DataSource extends DataSourceWithBackend<PairsQuery, PairsDataSourceOptions> {
  constructor(
    instanceSettings: DataSourceInstanceSettings<PairsDataSourceOptions>,
    private readonly templates?: TemplateSrv,
  ) {
    super(instanceSettings);
    this.variables = new PairsVariableSupport(this);
    this.annotations = {
      getDefaultQuery: () => ({ ...DEFAULT_QUERY, queryType: 'signals' }),
      prepareQuery: (anno: AnnotationQuery<PairsQuery>) => {
        if (!anno.target) {
          return undefined;
        }
        const q = migrateQuery(anno.target);
        // Only pair queries have signals; an annotation always asks for the events.
        return (PAIR_QUERY_TYPES as readonly string[]).includes(q.queryType) ? withQueryType(q, 'signals') : undefined;
      },
      processEvents: (_anno: AnnotationQuery<PairsQuery>, frames: DataFrame[]) => of(signalEvents(frames)),
    };
  }

  /** Grafana's template service; set by Grafana before any data source is created. */
  private get templateSrv(): TemplateSrv {
    return this.templates ?? getTemplateSrv();
  }

  getDefaultQuery(_app: CoreApp): Partial<PairsQuery> {
    return DEFAULT_QUERY;
  }

  /** Invalid or hidden queries are not sent: the editor shows what is wrong instead. */
  filterQuery(query: PairsQuery): boolean {
    return !query.hide && isValid(migrateQuery(query));
  }

  /** The saved query in the current model, with `$pair`, `$tf`, `$window`… replaced in every text field. */
  applyTemplateVariables(query: PairsQuery, scopedVars: ScopedVars): PairsQuery {
    const tpl = this.templateSrv;
    return interpolateQuery(migrateQuery(query), (text) => tpl.replace(text, scopedVars));
  }

  /**
   * Names of the dashboard's template variables, as `$name`, for the editors' lists; with
   * `fits`, only those whose current value fits the field (a pair variable for the pair…).
   */
  variableNames(fits?: (value: string) => boolean): string[] {
    try {
      const tpl = this.templateSrv;
      return tpl
        .getVariables()
        .map((v) => `$${v.name}`)
        .filter((name) => !fits || fits(tpl.replace(name)));
    } catch {
      return [];
    }
  }

  /** One of the lists the backend serves (symbols, pairs, timeframes, windows). */
  async listResource(kind: ResourceKind): Promise<string[]> {
    return resourceValues(kind, await this.getResource(RESOURCE_PATHS[kind]));
  }
}
