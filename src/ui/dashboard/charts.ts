/**
 * The dashboard's trend chart with uPlot (canvas, no eval, no inline script; ~20 KB gzip): a time-series line; a
 * value of null (an hour still to come, a day before the first usage) is a gap, never a zero. Colours come from VS Code's theme variables and are read again when
 * the theme changes; the charts follow their container's width; a tooltip follows the cursor.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Theme {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly series: readonly string[];
  readonly font: string;
}

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export function readTheme(): Theme {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.25)')),
    series: [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ],
    font: `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

/** The colour with an alpha (hex #rgb / #rrggbb, rgb()); other forms unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  const hex = m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}` : c;
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(hex);
  if (m) return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
  const r = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (r) return `rgba(${r[1]}, ${r[2]}, ${r[3]}, ${alpha})`;
  return c;
}

function tooltipPlugin(format: (idx: number) => string): uPlot.Plugin {
  let tip: HTMLDivElement | undefined;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'chart-tip';
        tip.setAttribute('role', 'status');
        tip.hidden = true;
        u.over.appendChild(tip);
        u.over.addEventListener('mouseleave', () => {
          if (tip) tip.hidden = true;
        });
      },
      setCursor: (u) => {
        if (!tip) return;
        const idx = u.cursor.idx;
        const left = u.cursor.left ?? -1;
        if (idx == null || left < 0) {
          tip.hidden = true;
          return;
        }
        tip.textContent = format(idx);
        tip.hidden = false;
        const x = Math.min(left + 12, Math.max(0, u.over.clientWidth - tip.offsetWidth));
        tip.style.transform = `translate(${x}px, ${Math.max(0, (u.cursor.top ?? 0) - tip.offsetHeight - 8)}px)`;
      },
    },
  };
}

function axis(theme: Theme, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: theme.muted,
    font: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    ...extra,
  };
}

/** A chart that re-creates itself on resize and theme change. */
export abstract class Chart {
  protected plot: uPlot | undefined;
  private readonly ro: ResizeObserver;

  constructor(
    protected readonly host: HTMLElement,
    protected readonly height = 220,
  ) {
    this.ro = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.width(), height: this.height });
    });
    this.ro.observe(host);
  }

  protected width(): number {
    return Math.max(240, this.host.clientWidth);
  }

  protected mount(opts: uPlot.Options, data: uPlot.AlignedData): void {
    this.plot?.destroy();
    this.plot = new uPlot(opts, data, this.host);
  }

  abstract redraw(): void;

  dispose(): void {
    this.ro.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}

export interface TrendInput {
  readonly starts: readonly number[]; // ms epoch
  readonly values: ReadonlyArray<number | null>;
  readonly label: string;
  readonly timeZone: string;
  readonly hourly: boolean;
  readonly formatValue: (v: number) => string;
  /** The tooltip's value, in the same units as the data table's rows (formatValue when absent). */
  readonly formatTip?: (v: number) => string;
  readonly formatX: (idx: number) => string;
}

export class TrendChart extends Chart {
  private input: TrendInput | undefined;

  set(input: TrendInput): void {
    this.input = input;
    this.redraw();
  }

  redraw(): void {
    const i = this.input;
    if (!i) return;
    const theme = readTheme();
    const color = theme.series[0] ?? '#3794ff';
    this.mount(
      {
        width: this.width(),
        height: this.height,
        legend: { show: false },
        cursor: { points: { size: 6 }, drag: { x: false, y: false } },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), i.timeZone),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          i.hourly
            ? axis(theme)
            : axis(theme, {
                // one tick per day, thinned to about one per 70 px
                splits: (u) => {
                  const xs = i.starts.map((t) => t / 1000);
                  const step = Math.max(1, Math.ceil(xs.length / Math.max(1, u.bbox.width / devicePixelRatio / 70)));
                  return xs.filter((_, k) => k % step === 0);
                },
                values: (_u, splits) => splits.map((v) => i.formatX(i.starts.indexOf(v * 1000))),
              }),
          axis(theme, { size: 60, values: (_u, splits) => splits.map((v) => i.formatValue(v)) }),
        ],
        series: [
          {},
          {
            label: i.label,
            stroke: color,
            width: 2,
            fill: withAlpha(color, 0.2),
            points: { show: i.starts.length <= 31, size: 4, fill: color },
            spanGaps: false,
          },
        ],
        plugins: [
          tooltipPlugin((idx) => {
            const v = i.values[idx];
            return `${i.formatX(idx)}: ${v === null || v === undefined ? '—' : (i.formatTip ?? i.formatValue)(v)}`;
          }),
        ],
      },
      [i.starts.map((t) => t / 1000), [...i.values]],
    );
  }
}
