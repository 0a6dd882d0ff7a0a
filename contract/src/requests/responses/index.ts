/**
 * The response bodies of the query API as zod schemas: the one declaration of each. api.ts gives
 * their types (`z.output` of these), and openapi.ts turns each into the JSON schema of its route's
 * 200 answer, so a fuzzer (schemathesis, in the collector's tests) checks every answer against
 * the same description the collector and the plugin compile against.
 */
import { alertDto, alertsResponse, analyticsResponse, signalsResponse, statsResponse } from './analytics';
import { backtestResponse, sweepResponse } from './backtest';
import { barsResponse, healthResponse, pairsResponse, symbolsResponse, ticksResponse } from './catalog';
import { fundingResponse } from './funding';
import { scanHistoryResponse, scanResponse } from './scan';

/** The response schemas by the name of their type in api.ts (Route.response). */
export const RESPONSE_SCHEMAS = {
  HealthResponse: healthResponse,
  SymbolsResponse: symbolsResponse,
  PairsResponse: pairsResponse,
  TicksResponse: ticksResponse,
  BarsResponse: barsResponse,
  FundingResponse: fundingResponse,
  AnalyticsResponse: analyticsResponse,
  StatsResponse: statsResponse,
  SignalsResponse: signalsResponse,
  BacktestResponse: backtestResponse,
  SweepResponse: sweepResponse,
  ScanResponse: scanResponse,
  ScanHistoryResponse: scanHistoryResponse,
  AlertDto: alertDto,
  AlertsResponse: alertsResponse,
};
