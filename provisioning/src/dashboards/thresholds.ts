import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Absolute thresholds from [value, colour] steps, the first step's value null (the base colour). */
export const th = (steps: Array<[number | null, string]>) =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color })));
