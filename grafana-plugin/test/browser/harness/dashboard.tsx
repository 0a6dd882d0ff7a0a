/**
 * A provisioned dashboard's panels drawn from our own frames (the plugin backend's answers, as
 * Grafana's frame JSON) with @grafana/data and @grafana/ui, for the screenshots (test/screenshots):
 * each panel's transformations run through Grafana's own transformers, its fieldConfig through
 * applyFieldOverrides, and it is laid out on Grafana's grid (24 columns, 30 px rows, 8 px gaps)
 * inside PanelChrome. Grafana's panel plugins are not packages, so each panel type is drawn with
 * the @grafana/ui component its plugin is built on: stat -> BigValue, timeseries -> TimeSeries,
 * table -> Table; candlestick -> TimeSeries of its close field, state-timeline -> a strip of its
 * mapped values in their colours; any other type -> Table (a new panel type still shows its data).
 */
import {
  applyFieldOverrides,
  dataFrameFromJSON,
  getFieldDisplayValues,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
  type DataFrame,
  type DataFrameJSON,
  type DataTransformerConfig,
  type DataTransformerInfo,
  type FieldConfigSource,
  type GrafanaTheme2,
  type TimeRange,
  dateTime,
  FieldType,
} from '@grafana/data';
import { BigValue, ErrorBoundary, PanelChrome, Table, ThemeContext, TimeSeries } from '@grafana/ui';
import * as React from 'react';
import { useEffect, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { firstValueFrom } from 'rxjs';

export interface PanelShot {
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: FieldConfigSource;
  options?: Record<string, any>;
  transformations?: DataTransformerConfig[];
  frames: DataFrameJSON[];
}

export interface DashboardShot {
  uid: string;
  title: string;
  /** The dashboard's time range, epoch ms. */
  from: number;
  to: number;
  panels: PanelShot[];
}

// grafana/grafana public/app/core/constants.ts:1-3 (commit d005d6c): GRID_CELL_HEIGHT 30, GRID_CELL_VMARGIN 8, GRID_COLUMN_COUNT 24
const GRID = { columns: 24, rowHeight: 30, gap: 8 };

let registered = false;

/**
 * Grafana registers its transformers at start-up (grafana/grafana public/app/app.ts:79, commit 0032209:
 * standardTransformersRegistry.setInit(getStandardTransformers)); the harness does once, on first use.
 */
function registerTransformers(): void {
  if (registered) {
    return;
  }
  registered = true;
  // standardTransformers lists some twice (an id and its alias): the registry refuses a duplicate key
  const seen = new Set<string>();
  const unique = Object.values(standardTransformers as Record<string, DataTransformerInfo>).filter((t) => {
    const keys = [t.id, ...(t.aliasIds ?? [])];
    const fresh = !keys.some((k) => seen.has(k));
    keys.forEach((k) => seen.add(k));
    return fresh;
  });
  standardTransformersRegistry.setInit(() =>
    unique.map((t) => ({
      id: t.id,
      aliasIds: t.aliasIds,
      name: t.name,
      transformation: () => Promise.resolve(t),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    })),
  );
}

const SERIES_DEFAULTS = { drawStyle: 'line', lineWidth: 1, fillOpacity: 0, showPoints: 'never', spanNulls: false, axisPlacement: 'auto' };

/** Frames as the panel would get them: transformed, then with its field config and display processors. */
async function prepare(panel: PanelShot, theme: GrafanaTheme2): Promise<DataFrame[]> {
  let frames = panel.frames.map((f) => dataFrameFromJSON(f));
  if (panel.transformations?.length) {
    frames = await firstValueFrom(transformDataFrame(panel.transformations, frames));
  }
  const source = panel.fieldConfig ?? { defaults: {}, overrides: [] };
  const fieldConfig = { ...source, defaults: { ...source.defaults, custom: { ...SERIES_DEFAULTS, ...source.defaults?.custom } } };
  return applyFieldOverrides({ data: frames, fieldConfig, replaceVariables: (s: string) => s, theme, timeZone: 'utc' });
}

function Stat({ panel, frames, width, height, theme }: VizProps) {
  const o = panel.options ?? {};
  const values = getFieldDisplayValues({
    fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
    reduceOptions: o.reduceOptions ?? { calcs: ['lastNotNull'], values: false },
    replaceVariables: (s: string) => s,
    theme,
    data: frames,
    timeZone: 'utc',
  });
  const each = Math.floor(width / Math.max(1, values.length));
  return (
    <div style={{ display: 'flex' }}>
      {values.map((v, i) => (
        <BigValue
          key={i}
          value={v.display}
          sparkline={v.sparkline}
          width={each}
          height={height}
          theme={theme}
          colorMode={o.colorMode ?? 'value'}
          graphMode={o.graphMode ?? 'none'}
          justifyMode={o.justifyMode ?? 'auto'}
          textMode={o.textMode ?? 'auto'}
          count={values.length}
        />
      ))}
    </div>
  );
}

/** Runs of equal display text across the time range, each in its mapped colour. */
function StateStrip({ frames, width, height, timeRange }: VizProps) {
  const frame = frames[0];
  const time = frame?.fields.find((f) => f.type === FieldType.time);
  const field = frame?.fields.find((f) => f !== time);
  if (!frame || !time || !field?.display) {
    return <div>No data</div>;
  }
  const from = timeRange.from.valueOf();
  const span = timeRange.to.valueOf() - from;
  const runs: Array<{ start: number; text: string; color?: string }> = [];
  for (let i = 0; i < frame.length; i++) {
    const d = field.display(field.values[i]);
    if (runs.at(-1)?.text !== d.text) {
      runs.push({ start: Number(time.values[i]), text: d.text, color: d.color });
    }
  }
  return (
    <div style={{ position: 'relative', width, height }}>
      {runs.map((r, i) => {
        const left = (Math.max(r.start, from) - from) / span;
        const right = ((runs[i + 1]?.start ?? from + span) - from) / span;
        return (
          <div
            key={i}
            style={{ position: 'absolute', left: left * width, width: Math.max(1, (right - left) * width), top: height * 0.1, height: height * 0.8 }}
          >
            <div style={{ background: r.color, opacity: 0.7, position: 'absolute', inset: 0 }} />
            {(right - left) * width > 8 * r.text.length + 8 && <span style={{ position: 'relative', padding: 4 }}>{r.text}</span>}
          </div>
        );
      })}
    </div>
  );
}

interface VizProps {
  panel: PanelShot;
  frames: DataFrame[];
  width: number;
  height: number;
  theme: GrafanaTheme2;
  timeRange: TimeRange;
}

function Viz(props: VizProps) {
  const { panel, frames, width, height, timeRange } = props;
  const legend = { showLegend: panel.options?.legend?.showLegend ?? true, displayMode: 'list', placement: 'bottom', calcs: [] } as React.ComponentProps<
    typeof TimeSeries
  >['legend'];
  if (panel.type !== 'stat' && frames.every((f) => f.length === 0)) {
    // as Grafana's panels (PanelDataErrorView): a stat shows its noValue, the others this
    return <div>No data</div>;
  }
  switch (panel.type) {
    case 'stat':
      return <Stat {...props} />;
    case 'state-timeline':
      return <StateStrip {...props} />;
    case 'timeseries':
      return <TimeSeries frames={frames} width={width} height={height} timeRange={timeRange} timeZone="utc" legend={legend} />;
    case 'candlestick': {
      const close = panel.options?.fields?.close ?? 'close';
      const lines = frames.map((f) => ({ ...f, fields: f.fields.filter((x) => x.type === FieldType.time || x.name === close) }));
      return <TimeSeries frames={lines} width={width} height={height} timeRange={timeRange} timeZone="utc" legend={legend} />;
    }
    default:
      return frames[0] ? <Table data={frames[0]} width={width} height={height} /> : <div>No data</div>;
  }
}

function Panel({
  panel,
  left,
  top,
  width,
  height,
  theme,
  timeRange,
}: {
  panel: PanelShot;
  left: number;
  top: number;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  timeRange: TimeRange;
}) {
  const [frames, setFrames] = useState<DataFrame[] | Error | null>(null);
  useEffect(() => {
    prepare(panel, theme).then(setFrames, (e: Error) => setFrames(e));
  }, [panel, theme]);
  return (
    <div style={{ position: 'absolute', left, top }} data-testid="panel" data-ready={frames !== null}>
      <PanelChrome title={panel.title} width={width} height={height}>
        {(w, h) => (
          <ErrorBoundary errorLogger={() => {}}>
            {({ error }) => {
              const failed = error ?? (frames instanceof Error ? frames : null);
              if (failed) {
                return <div data-error={failed.message}>{failed.message}</div>;
              }
              return frames && <Viz panel={panel} frames={frames as DataFrame[]} width={w} height={h} theme={theme} timeRange={timeRange} />;
            }}
          </ErrorBoundary>
        )}
      </PanelChrome>
    </div>
  );
}

function Dashboard({ shot, width, theme }: { shot: DashboardShot; width: number; theme: GrafanaTheme2 }) {
  const column = (width - GRID.gap * (GRID.columns - 1)) / GRID.columns;
  // a subset of the panels (the screenshot test's one) starts at the top left
  const x0 = Math.min(...shot.panels.map((p) => p.gridPos.x));
  const y0 = Math.min(...shot.panels.map((p) => p.gridPos.y));
  const bottom = Math.max(...shot.panels.map((p) => p.gridPos.y - y0 + p.gridPos.h));
  const timeRange = { from: dateTime(shot.from), to: dateTime(shot.to), raw: { from: dateTime(shot.from), to: dateTime(shot.to) } };
  return (
    <div data-testid="dashboard" style={{ position: 'relative', width, height: bottom * (GRID.rowHeight + GRID.gap) - GRID.gap }}>
      {shot.panels.map((p, i) => (
        <Panel
          key={i}
          panel={p}
          theme={theme}
          timeRange={timeRange}
          left={(p.gridPos.x - x0) * (column + GRID.gap)}
          top={(p.gridPos.y - y0) * (GRID.rowHeight + GRID.gap)}
          width={p.gridPos.w * column + (p.gridPos.w - 1) * GRID.gap}
          height={p.gridPos.h * GRID.rowHeight + (p.gridPos.h - 1) * GRID.gap}
        />
      ))}
    </div>
  );
}

let root: Root | null = null;
/** Each call draws anew (a new key): no panel shows the frames of the call before while its own are prepared. */
let renders = 0;

/** Draws `shot` `width` px wide into #dashboard (made on first use, replaced on each call). */
export function renderDashboard(shot: DashboardShot, width: number, theme: GrafanaTheme2): void {
  registerTransformers();
  let el = document.getElementById('dashboard');
  if (!el) {
    el = document.createElement('div');
    el.id = 'dashboard';
    el.style.cssText = `padding: 16px; display: inline-block; background: ${theme.colors.background.canvas}`;
    document.body.appendChild(el);
    root = createRoot(el);
  }
  root!.render(
    <ThemeContext.Provider value={theme}>
      <Dashboard key={++renders} shot={shot} width={width} theme={theme} />
    </ThemeContext.Provider>,
  );
}
