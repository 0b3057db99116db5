/** zod schemas of AIHubMix (one-api) responses; every CONFLICT variant of the contract is accepted. */
import * as z from 'zod';
import { intLike, listLike } from '../schema';

/** `{success, message, data}` — HTTP 200 with success:false is an error. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

export const tokenSchema = z.object({
  id: intLike.transform(String),
  user_id: intLike.nullish(),
  key: z.string().nullish(),
  // [CONFLICT] docs: 0 disabled / 1 enabled; one-api: 1 enabled, 2 disabled, 3 expired, 4 exhausted.
  status: intLike.nullish(),
  name: z.string().nullish().transform((v) => v ?? ''),
  created_time: intLike.nullish(),
  accessed_time: intLike.nullish(),
  // [CONFLICT] integer or a string of digits; -1 = never.
  expired_time: intLike.nullish(),
  // [CONFLICT] -1 or unlimited_quota=true both mean unlimited.
  remain_quota: intLike.nullish(),
  unlimited_quota: z.boolean().nullish(),
  used_quota: intLike.nullish(),
  models: listLike,
  subnet: listLike,
  // new-api names
  model_limits_enabled: z.boolean().nullish(),
  model_limits: listLike,
  allow_ips: listLike,
  group: z.string().nullish(),
});
export type Token = z.infer<typeof tokenSchema>;

/** [CONFLICT] list: a bare array (one-api), `{items}`, new-api's `{page,page_size,total,items}`, or a single object. */
export const tokenListSchema = z.union([
  z.array(tokenSchema).transform((items) => ({ items, total: undefined as number | undefined })),
  z
    .object({ items: z.array(tokenSchema).nullish(), data: z.array(tokenSchema).nullish(), total: intLike.nullish() })
    .refine((o) => o.items != null || o.data != null)
    .transform((o) => ({ items: o.items ?? o.data ?? [], total: o.total ?? undefined })),
  tokenSchema.transform((t) => ({ items: [t], total: undefined as number | undefined })),
  z.null().transform(() => ({ items: [] as Token[], total: undefined as number | undefined })),
]);

export const userSelfSchema = z.object({
  id: intLike,
  username: z.string().nullish(),
  display_name: z.string().nullish(),
  email: z.string().nullish(),
  role: intLike.nullish(),
  status: intLike.nullish(),
  quota: intLike.nullish(),
  used_quota: intLike.nullish(),
  request_count: intLike.nullish(),
  group: z.string().nullish(),
});

export const catalogueModelSchema = z.object({
  model_id: z.string(),
  desc: z.string().nullish(),
  types: listLike,
  features: listLike,
  input_modalities: listLike,
  max_output: intLike.nullish(),
  context_length: intLike.nullish(),
  pricing: z
    .object({
      input: z.union([z.number(), z.string()]).nullish(),
      output: z.union([z.number(), z.string()]).nullish(),
      cache_read: z.union([z.number(), z.string()]).nullish(),
      cache_write: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
});
export const catalogueSchema = z.array(catalogueModelSchema);

export const logSchema = z.object({
  id: intLike.transform(String),
  created_at: intLike,
  type: intLike.nullish(),
  content: z.string().nullish(),
  token_name: z.string().nullish(),
  model_name: z.string().nullish(),
  quota: intLike.nullish(),
  prompt_tokens: intLike.nullish(),
  completion_tokens: intLike.nullish(),
  elapsed_time: intLike.nullish(),
  is_stream: z.boolean().nullish(),
});
export const logListSchema = z.union([
  z.array(logSchema),
  z.object({ items: z.array(logSchema).nullish(), data: z.array(logSchema).nullish() }).transform((o) => o.items ?? o.data ?? []),
  z.null().transform(() => []),
]);
export const logStatSchema = z.object({ quota: intLike.nullish(), rpm: z.number().nullish(), tpm: z.number().nullish() });
