/**
 * Field display settings that make panels look right without overrides: units from the
 * symbol's quote asset, z-score thresholds at ±entryZ, the signal as a state field with
 * coloured value mappings, p-values with a 5 % threshold.
 */
import { COINT_LOST_PVALUE, SCAN_DEFAULTS, type ApiSignal, type PaperPositionDto, type PaperRulesDto } from '@quant-pairs/contract';
import type { FieldConfig } from '../frame/frame';

const QUOTES: Array<[string, string]> = [
  ['FDUSD', 'currencyUSD'],
  ['USDT', 'currencyUSD'],
  ['USDC', 'currencyUSD'],
  ['BUSD', 'currencyUSD'],
  ['TUSD', 'currencyUSD'],
  ['USD', 'currencyUSD'],
  ['EUR', 'currencyEUR'],
  ['GBP', 'currencyGBP'],
  ['JPY', 'currencyJPY'],
  ['BTC', 'currencyBTC'],
];

/** Quote and base assets of a Binance symbol, e.g. BTCUSDT -> { base: BTC, quote: USDT }. */
function splitSymbol(symbol: string): { base: string; quote: string | null } {
  for (const [q] of QUOTES.concat([
    ['ETH', ''],
    ['BNB', ''],
  ])) {
    if (symbol.endsWith(q) && symbol.length > q.length) return { base: symbol.slice(0, -q.length), quote: q };
  }
  return { base: symbol, quote: null };
}

/** Grafana unit of a price of `symbol` (in its quote asset). */
function priceUnit(symbol: string): string | undefined {
  const { quote } = splitSymbol(symbol);
  if (quote === null) return undefined;
  const hit = QUOTES.find(([q]) => q === quote);
  return hit && hit[1] !== '' ? hit[1] : `suffix: ${quote}`;
}

export function priceConfig(symbol: string, displayName: string): FieldConfig {
  const unit = priceUnit(symbol);
  return unit ? { displayNameFromDS: displayName, unit } : { displayNameFromDS: displayName };
}

/** Base-asset quantity, e.g. `suffix: BTC`. */
export function quantityConfig(symbol: string, displayName: string): FieldConfig {
  return { displayNameFromDS: displayName, unit: `suffix: ${splitSymbol(symbol).base}` };
}

/** Signal as a number, so that frames stay numeric (alert rules reject frames with strings). */
export const SIGNAL_CODE: Record<ApiSignal, number> = { LONG: 1, NEUTRAL: 0, SHORT: -1 };

/** A side coded 1 / 0 / -1 shown as LONG (green) / the flat word / SHORT (red): the signal's and the paper position's. */
function sideConfig(displayName: string, description: string, flat: 'NEUTRAL' | 'FLAT'): FieldConfig {
  return {
    displayNameFromDS: displayName,
    description,
    min: -1,
    max: 1,
    decimals: 0,
    mappings: [
      {
        type: 'value',
        options: {
          '1': { text: 'LONG', color: 'green', index: 0 },
          '0': { text: flat, color: 'text', index: 1 },
          '-1': { text: 'SHORT', color: 'red', index: 2 },
        },
      },
    ],
    color: { mode: 'thresholds' },
    thresholds: { mode: 'absolute', steps: [{ value: null, color: 'text' }] },
  };
}

export function signalConfig(displayName: string): FieldConfig {
  return {
    ...sideConfig(
      displayName,
      'Trading signal from the z-score: LONG (1) the spread when z < -entry, SHORT (-1) when z > entry, NEUTRAL (0) otherwise',
      'NEUTRAL',
    ),
    custom: { lineInterpolation: 'stepAfter', fillOpacity: 70 },
  };
}

export function zscoreConfig(displayName: string, entryZ: number): FieldConfig {
  return {
    displayNameFromDS: displayName,
    description: `Rolling z-score of the spread; beyond ±${entryZ} the signal turns SHORT / LONG`,
    unit: 'none',
    decimals: 2,
    color: { mode: 'thresholds' },
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: null, color: 'green' },
        { value: -entryZ, color: 'green' },
        { value: entryZ, color: 'red' },
      ],
    },
    custom: { thresholdsStyle: { mode: 'dashed' } },
  };
}

export function pvalueConfig(displayName: string, description: string): FieldConfig {
  return {
    displayNameFromDS: displayName,
    description,
    unit: 'none',
    decimals: 4,
    min: 0,
    max: 1,
    color: { mode: 'thresholds' },
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: null, color: 'green' },
        { value: 0.05, color: 'orange' },
      ],
    },
  };
}

export function plainConfig(displayName: string, decimals: number, extra: FieldConfig = {}): FieldConfig {
  return { displayNameFromDS: displayName, decimals, ...extra };
}

/**
 * A scan's p- or q-value: green up to the scanner's false discovery rate (SCAN_FDR), orange up to
 * the "cointegration lost" threshold (COINT_LOST_PVALUE), red above.
 */
export function scanPvalueConfig(displayName: string, description: string): FieldConfig {
  return {
    ...pvalueConfig(displayName, description),
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: null, color: 'green' },
        { value: SCAN_DEFAULTS.fdr, color: 'orange' },
        { value: COINT_LOST_PVALUE, color: 'red' },
      ],
    },
  };
}

/** A half-life in seconds (`tfSec` a bar): green within the scanner's default bounds, orange outside. */
export function halfLifeConfig(tfSec: number): FieldConfig {
  return {
    displayNameFromDS: 'Half-life',
    description: `Half-life of mean reversion of the spread (${tfSec} s a bar); empty when it does not mean-revert`,
    unit: 's',
    decimals: 0,
    color: { mode: 'thresholds' },
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: null, color: 'orange' },
        { value: SCAN_DEFAULTS.minHalfLife * tfSec, color: 'green' },
        { value: SCAN_DEFAULTS.maxHalfLife * tfSec, color: 'orange' },
      ],
    },
  };
}

/** Money of a backtest on `pair` (Y/X): in the y leg's quote asset, as its notional. */
export function pnlConfig(pair: string, displayName: string, description: string): FieldConfig {
  return { ...priceConfig(pair.split('/')[0]!, displayName), description, decimals: 2 };
}

/** The paper position's side as a number, as the signal (frames stay numeric): LONG 1, FLAT 0, SHORT -1. */
export const POSITION_CODE: Record<PaperPositionDto['side'], number> = { LONG: 1, FLAT: 0, SHORT: -1 };

/** What a paper position runs under, in words: `entry ±2, exit 0, stop 3, fees 10 bps, notional 1000`. */
export function paperRulesText(r: Readonly<PaperRulesDto>): string {
  // PAPER_ENTRY=ou (issue 26): entry and exit are in units of the OU band's half-width
  const parts = r.entryRule === 'ou' ? ['entry at the OU band (Bertram), exit at its other side'] : [`entry ±${r.entry}`, `exit ${r.exit}`];
  if (r.stop !== null) parts.push(`stop ${r.stop}`);
  if (r.maxHold !== null) parts.push(`max hold ${r.maxHold} bars`);
  if (r.cooldown > 0) parts.push(`cooldown ${r.cooldown} bars`);
  parts.push(`lag ${r.lag}`, `fees ${r.feeBps} bps`, `slippage ${r.slippageBps} bps`, `notional ${r.notional}`);
  return parts.join(', ');
}

/** The paper position's side: a state field with the words and colours of the signal's (FLAT for NEUTRAL). */
export function positionConfig(displayName: string, rules: string): FieldConfig {
  return sideConfig(
    displayName,
    `Live paper position of the collector (its ENTRY_Z and PAPER_* settings${rules ? `: ${rules}` : ''}): LONG (1) the spread, SHORT (-1), FLAT (0); empty for a window the collector does not keep live`,
    'FLAT',
  );
}

/** P&L colours: red below 0, green from 0. */
export const PNL_THRESHOLDS: NonNullable<FieldConfig['thresholds']> = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'red' },
    { value: 0, color: 'green' },
  ],
};
