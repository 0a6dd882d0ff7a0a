/**
 * TypeScript shapes of the pluginv2 messages as @grpc/proto-loader hands them to us
 * (keepCase, int64 as Number, bytes as Buffer, enums as numbers). Field names and numbers are
 * in ../proto/pluginv2.proto.
 */
interface DataSourceInstanceSettings {
  id?: number;
  name?: string;
  url?: string;
  uid?: string;
  jsonData?: Buffer;
  decryptedSecureJsonData?: Record<string, string>;
  lastUpdatedMS?: number;
  apiVersion?: string;
}

export interface PluginContext {
  orgId?: number;
  pluginId?: string;
  user?: { login?: string; name?: string; email?: string; role?: string } | null;
  dataSourceInstanceSettings?: DataSourceInstanceSettings | null;
  grafanaConfig?: Record<string, string>;
  pluginVersion?: string;
  userAgent?: string;
}

interface TimeRange {
  fromEpochMS: number;
  toEpochMS: number;
}

interface DataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange?: TimeRange | null;
  json: Buffer;
  queryType: string;
}

export interface QueryDataRequest {
  pluginContext?: PluginContext | null;
  headers?: Record<string, string>;
  queries: DataQuery[];
  format?: number;
}

export interface DataResponse {
  frames: Uint8Array[];
  error?: string;
  jsonMeta?: Buffer;
  status?: number;
  errorSource?: 'plugin' | 'downstream' | '';
  format?: number;
}

export interface QueryDataResponse {
  responses: Record<string, DataResponse>;
}

export const HealthStatus = { UNKNOWN: 0, OK: 1, ERROR: 2 } as const;

export interface CheckHealthRequest {
  pluginContext?: PluginContext | null;
  headers?: Record<string, string>;
}

export interface CheckHealthResponse {
  status: number;
  message: string;
  jsonDetails?: Buffer;
}

interface StringList {
  values: string[];
}

export interface CallResourceRequest {
  pluginContext?: PluginContext | null;
  path: string;
  method: string;
  url: string;
  headers?: Record<string, StringList>;
  body?: Buffer;
}

export interface CallResourceResponse {
  code: number;
  headers: Record<string, StringList>;
  body: Buffer;
}

export const StreamStatus = { OK: 0, NOT_FOUND: 1, PERMISSION_DENIED: 2 } as const;

export interface StreamRequest {
  pluginContext?: PluginContext | null;
  path: string;
  data?: Buffer;
  headers?: Record<string, string>;
}

export interface SubscribeStreamResponse {
  status: number;
  data?: Buffer;
}
