/**
 * How a benchmark reports a figure: one line on the console now, and one JSON record in
 * `test-results/bench/figures.jsonl` (git-ignored), which `npm run bench` turns into the final table and
 * `test-results/bench/figures.json`. Every figure carries its budget and the baseline measured in the same run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BenchFigure {
  /** Stable id, e.g. "sse.8mib", "client.overhead", "render.stream". */
  readonly id: string;
  /** What was measured, in words. */
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  /** The budget as text, e.g. "≤ 50 ms" or "≤ 1.2×". */
  readonly budget: string;
  /** Whether the figure is within its budget. */
  readonly ok: boolean;
  /** The baseline measured in the same run (or a fixed anchor), in words with its value. */
  readonly baseline: string;
  /** Anything a reader needs to judge the figure (sample size, input). */
  readonly note?: string;
  /**
   * True for a figure that has no budget of its own (it is reported beside its baseline for the reader to judge);
   * `ok` is then true and the table shows "no budget" instead of a pass.
   */
  readonly informational?: boolean;
}

function outFile(): string {
  const repo = process.env.AGC_REPO ?? path.resolve(__dirname, '../../..');
  return path.join(repo, 'test-results', 'bench', 'figures.jsonl');
}

export function report(figure: BenchFigure, log: (line: string) => void = console.log): void {
  const mark = figure.informational ? '·' : figure.ok ? '✔' : '✘ OVER BUDGET';
  log(
    `  ${mark} ${figure.what}: ${formatValue(figure.value, figure.unit)} (budget ${figure.budget}; baseline ${figure.baseline})${figure.note ? ` — ${figure.note}` : ''}`,
  );
  const file = outFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify({ ...figure, at: new Date().toISOString() })}\n`);
}

export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === '×' ? '×' : ` ${unit}`}`;
}

/** The median of the samples (NaN for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
