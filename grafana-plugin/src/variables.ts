/**
 * Template variables: a variable of this data source lists symbols, pairs, timeframes or
 * windows, as the backend's CallResource serves them. The answer is one frame with a string
 * field `text`, which Grafana turns into the variable's options.
 */
import { CustomVariableSupport, FieldType, createDataFrame, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import type { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { variableKind } from './resources';
import type { PairsVariableQuery } from '@quant-pairs/contract';

export class PairsVariableSupport extends CustomVariableSupport<DataSource, PairsVariableQuery> {
  constructor(private readonly ds: DataSource) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<PairsVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    const kind = variableKind(target);
    return from(this.ds.listResource(kind)).pipe(
      map((values) => ({
        data: [
          createDataFrame({
            refId: target?.refId ?? 'variable',
            fields: [{ name: 'text', type: FieldType.string, values }],
          }),
        ],
      })),
    );
  }
}
