export * from './timeframe';
export * from './tick';
export * from './bar';
export * from './pair';
export * from './analytics';
