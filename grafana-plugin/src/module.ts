import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import type { PairsDataSourceOptions, PairsQuery, PairsSecureJsonData } from '@quant-pairs/contract';

export const plugin = new DataSourcePlugin<DataSource, PairsQuery, PairsDataSourceOptions, PairsSecureJsonData>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
