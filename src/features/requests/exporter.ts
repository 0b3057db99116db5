/**
 * Export of every record of a filter (not only the page on screen), read page by page and streamed to a file the
 * user chose, under a cancellable progress notification. The rows go to `<file>.part` first and are renamed into
 * place only when the last page is written: a cancelled or failed export leaves no file (and no half one) behind.
 * Afterwards "Open" and "Reveal" are offered.
 */
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { type RequestFilter, type RequestRecord, addToTotals, emptyTotals } from '../../core/requestLog';
import type { GatewayKind, ModelPrice } from '../../core/types';
import type { Gateway } from '../../gateway/gateway';
import { askOpenOrReveal, followExport, pickExportFile } from '../../platform/exports';
import type { Logger } from '../../platform/logger';
import { addOurPrices, emptyOurSum, ourTotalsView, priceRecord } from './pricing';
import { BULK_PAGE_SIZE } from './query';
import { type ExportMeta, csvHeaderLine, csvLine, jsonHead, jsonRecord, jsonTail } from './rows';

export type ProgressReport = (message: string, increment?: number) => void;

/** Where an export goes and how it is shown: the save dialog and a notification, or a test's file and script. */
export interface ExportTarget {
  /** The file to write, or undefined when the user cancelled. */
  pick(format: 'csv' | 'json', suggestedName: string): Promise<vscode.Uri | undefined>;
  /** Runs the export under a progress UI whose Cancel sets the token. */
  progress<T>(title: string, task: (report: ProgressReport, token: vscode.CancellationToken) => Promise<T>): Promise<T>;
  /** A complete export: says where it went, with Open and Reveal. */
  done(uri: vscode.Uri, sentence: string): void;
}

export const dialogExportTarget: ExportTarget = {
  pick: (format, suggestedName) => Promise.resolve(pickExportFile(format, suggestedName)),
  progress(title, task) {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (p, token) =>
          task((message, increment) => p.report({ message, ...(increment !== undefined ? { increment } : {}) }), token),
      ),
    );
  },
  done(uri, sentence) {
    void askOpenOrReveal(sentence).then((choice) => followExport(uri, choice));
  },
};

/** Writes to a file on disk through `<file>.part`, or (another scheme) collects and writes once at the end. */
class Sink {
  private handle: fs.FileHandle | undefined;
  private readonly chunks: string[] = [];
  private readonly part: string | undefined;

  constructor(private readonly uri: vscode.Uri) {
    this.part = uri.scheme === 'file' ? `${uri.fsPath}.part` : undefined;
  }

  async open(): Promise<void> {
    if (this.part) this.handle = await fs.open(this.part, 'w');
  }

  async write(text: string): Promise<void> {
    if (this.handle) await this.handle.write(text);
    else this.chunks.push(text);
  }

  async commit(): Promise<void> {
    if (this.handle && this.part) {
      await this.handle.close();
      this.handle = undefined;
      await fs.rename(this.part, this.uri.fsPath);
    } else {
      await vscode.workspace.fs.writeFile(this.uri, new TextEncoder().encode(this.chunks.join('')));
    }
  }

  async discard(): Promise<void> {
    this.chunks.length = 0;
    if (this.handle) await this.handle.close().catch(() => undefined);
    this.handle = undefined;
    if (this.part) await fs.rm(this.part, { force: true });
  }
}

export interface ExportJob {
  readonly gateway: Gateway;
  readonly filter: RequestFilter;
  readonly format: 'csv' | 'json';
  readonly uri: vscode.Uri;
  readonly meta: ExportMeta;
  readonly progress: ExportTarget['progress'];
  readonly log: Logger;
  /** Our price of the rows beside the gateway's (absent: the models list no prices). */
  readonly pricing?: { readonly prices: ReadonlyMap<string, ModelPrice>; readonly kind: GatewayKind };
}

export interface ExportResult {
  readonly status: 'done' | 'cancelled';
  readonly count: number;
}

export async function exportRequests(job: ExportJob): Promise<ExportResult> {
  const title = vscode.l10n.t('Exporting requests of {0}', job.meta.connection);
  return job.progress(title, async (report, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    const sink = new Sink(job.uri);
    let count = 0;
    let totals = emptyTotals(job.meta.currency);
    const pricing = job.pricing && job.pricing.prices.size > 0 ? job.pricing : undefined;
    const ours = pricing ? emptyOurSum(job.meta.currency) : undefined;
    const priced = (r: RequestRecord) => (pricing ? priceRecord(r, pricing.prices, pricing.kind) : undefined);
    try {
      await sink.open();
      await sink.write(job.format === 'csv' ? csvHeaderLine() : jsonHead(job.meta));
      for (let page = 0; ; page++) {
        if (token.isCancellationRequested) break;
        const p = await job.gateway.listRequests(job.filter, { page, pageSize: BULK_PAGE_SIZE, signal: ac.signal });
        if (token.isCancellationRequested) break;
        const text = p.items
          .map((r, i) => (job.format === 'csv' ? csvLine(r, priced(r)) : jsonRecord(r, count + i === 0, priced(r))))
          .join('');
        await sink.write(text);
        count += p.items.length;
        totals = addToTotals(totals, p.items);
        if (ours && pricing) addOurPrices(ours, p.items, pricing.prices, pricing.kind);
        const of = p.total ?? p.totals?.requests;
        report(
          of !== undefined ? vscode.l10n.t('{0} of {1} requests', count, of) : vscode.l10n.t('{0} requests', count),
          of ? (100 * p.items.length) / of : undefined,
        );
        if (!p.hasMore) break;
      }
      if (token.isCancellationRequested) {
        await sink.discard();
        job.log.info(`requests: export cancelled after ${count} rows; the partial file was removed`);
        return { status: 'cancelled', count };
      }
      if (job.format === 'json')
        await sink.write(jsonTail(totals, count > 0, ours && pricing ? ourTotalsView(ours, pricing.kind) : undefined));
      await sink.commit();
      job.log.info(`requests: exported ${count} rows as ${job.format}`);
      return { status: 'done', count };
    } catch (e) {
      await sink.discard();
      if (token.isCancellationRequested) return { status: 'cancelled', count };
      throw e;
    } finally {
      sub.dispose();
    }
  });
}

/**
 * Asks `target` for the file, then (only once one is picked) prepares the job and exports the filter into it; the
 * sentence saying how it ended, or undefined when no file was picked. A complete export is handed to `target.done`.
 */
export async function exportToTarget(
  target: ExportTarget,
  format: 'csv' | 'json',
  suggestedName: string,
  prepare: () => Promise<Omit<ExportJob, 'uri' | 'progress' | 'format'>>,
): Promise<string | undefined> {
  const uri = await target.pick(format, suggestedName);
  if (!uri) return undefined;
  const result = await exportRequests({
    ...(await prepare()),
    format,
    uri,
    progress: (title, task) => target.progress(title, task),
  });
  if (result.status === 'cancelled')
    return vscode.l10n.t('Export cancelled after {0} requests; no file was written.', result.count);
  const sentence = vscode.l10n.t('Exported {0} requests to {1}.', result.count, uri.fsPath || uri.toString());
  target.done(uri, sentence);
  return sentence;
}
