/**
 * The AIHubMix model list: the models this account may call (`/api/user/available_models`), enriched with the
 * prices and context lengths of the public catalogue. The catalogue alone answers only for a gateway without the
 * account's route; a refused token, a busy server or a broken answer is reported, never hidden behind it.
 */
import type { ModelInfo } from '../../core/types';
import { GatewayError } from '../errors';
import type { CallOptions } from '../gateway';
import { parseJson, parseWith } from '../schema';
import { vendorOf } from '../vendors';
import type { HubmixClient } from './client';
import { catalogueById } from './mapping';
import { AIHUBMIX_ROUTES as R } from './routes';
import { availableModelsSchema, catalogueSchema, envelopeSchema } from './schemas';

export async function listHubModels(c: HubmixClient, opts?: CallOptions): Promise<readonly ModelInfo[]> {
  const operation = 'list models';
  // The public catalogue only adds prices and context lengths; its failure leaves them out.
  const catalogueP = c.http
    .request({
      method: 'GET',
      url: c.baseUrl + R.catalogue,
      headers: c.appHeaders(),
      signal: opts?.signal,
      operation,
    })
    .then((res) => {
      if (res.status < 200 || res.status >= 300) return undefined;
      const json = parseJson(res.text, c.label, operation);
      const env = envelopeSchema.safeParse(json);
      if (env.success && !env.data.success) return undefined;
      const payload = env.success
        ? env.data.data
        : Array.isArray(json)
          ? json
          : (json as { data?: unknown } | undefined)?.data;
      return parseWith(catalogueSchema, payload, c.label, operation);
    });
  catalogueP.catch(() => undefined); // settled below; never an unhandled rejection
  let available: readonly string[] | undefined;
  try {
    available = await c.callData('GET', R.availableModels, operation, availableModelsSchema, {
      signal: opts?.signal,
    });
  } catch (e) {
    // Only a gateway without this route falls back to the public catalogue; a refused token, a busy
    // server or a broken answer is reported, never hidden behind the public list.
    if (!(e instanceof GatewayError) || e.kind !== 'not-found') throw e;
  }
  const catalogue = await catalogueP.catch((e: unknown) => {
    if (available === undefined) throw e;
    return undefined;
  });
  const rich = catalogueById(catalogue ?? []);
  if (available === undefined) {
    if (catalogue === undefined)
      throw new GatewayError({
        kind: 'not-found',
        message: 'neither the model list of this account nor the public catalogue is offered',
        gateway: c.label,
        operation,
      });
    return [...rich.values()];
  }
  if (available.length === 0) return [...rich.values()];
  return available.map((id) => rich.get(id) ?? { id, vendor: vendorOf(id) });
}
