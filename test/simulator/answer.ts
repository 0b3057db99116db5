/** Deterministic assistant answers: realistic markdown, long answers, tool calls, and token-like pieces. */
import { hash32, mulberry32, pick, type Rng } from './rng';

export interface ChatMessage {
  role: string;
  content: unknown;
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('\n');
  }
  return '';
}

export function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === 'user') {
      return contentText(m.content);
    }
  }
  return '';
}

/** Rough prompt token count: ~4 characters per token plus a per-message overhead. */
export function promptTokens(messages: ChatMessage[]): number {
  let n = 3;
  for (const m of messages) {
    n += 4 + Math.ceil(Array.from(contentText(m.content)).length / 4);
  }
  return n;
}

const OPENERS = [
  'Good question — here is a compact, practical answer.',
  'Sure. Below is a short walkthrough with an example you can paste.',
  'Here is how I would approach it, step by step.',
  'Happy to help. The short version first, then the details.',
];

const TOPICS = [
  'rate limiting',
  'key rotation',
  'streaming responses',
  'usage dashboards',
  'retry policies',
  'token budgets',
];

function section(rng: Rng, model: string, question: string, n: number | null): string {
  const topic = pick(rng, TOPICS);
  const title = n === null ? `## Answer from \`${model}\`` : `## Part ${n}: ${topic}`;
  const quoted = question.length > 80 ? question.slice(0, 77) + '...' : question;
  const lines = [
    title,
    '',
    n === null
      ? `${pick(rng, OPENERS)} You asked: "${quoted.replace(/"/g, "'")}".`
      : `This part covers **${topic}** in more depth (section ${n}).`,
    '',
    '### Key points',
    '',
    `- Keep secrets out of source control; load them from the environment (e.g. \`AGC_API_KEY\`).`,
    `- Prefer **streaming** for long answers, and handle \`[DONE]\` *and* an early EOF.`,
    `- Retry idempotent GETs on 429/503 with \`Retry-After\`; never blindly retry a POST.`,
    `- Track cost per request: about ${(rng() * 3 + 0.5).toFixed(2)} RMB per 1k requests on this model.`,
    '',
    '1. Create a key with a narrow model allow-list.',
    '2. Set an RPM limit that matches your traffic.',
    '3. Rotate it on a schedule, with a grace period.',
    '',
    '```ts',
    'export async function ask(prompt: string): Promise<string> {',
    '  const res = await fetch(`${process.env.BASE_URL}/v1/chat/completions`, {',
    "    method: 'POST',",
    "    headers: { authorization: `Bearer ${process.env.AGC_API_KEY}`, 'content-type': 'application/json' },",
    `    body: JSON.stringify({ model: '${model}', messages: [{ role: 'user', content: prompt }] }),`,
    '  });',
    '  const data = (await res.json()) as { choices: { message: { content: string } }[] };',
    "  return data.choices[0]?.message.content ?? '';",
    '}',
    '```',
    '',
    '| Setting | Value | Why |',
    '|---|---|---|',
    `| rpm_limit | ${pick(rng, [60, 120, 600, 3000])} | protects the upstream |`,
    `| tpm_limit | ${pick(rng, [100000, 500000, 2000000])} | caps spend |`,
    '| stream | `true` | first token sooner |',
    '',
    '你好，世界！流式输出可以让用户更快看到第一个字，中文字符在网络分块时可能被截断，客户端需要正确缓冲。🚀',
    '',
    `> Tip: ${pick(rng, ['measure before you optimise', 'log request ids, not keys', 'keep partial text when a stream fails'])}. ✅`,
    '',
  ];
  return lines.join('\n');
}

/** The deterministic answer text for a request. `long answer` ⇒ ~100 KB. */
export function buildAnswer(seed: number, model: string, question: string): string {
  const rng = mulberry32((hash32(`${model}\u0000${question}`) ^ seed) >>> 0);
  const first = section(rng, model, question, null);
  if (!/long answer/i.test(question)) {
    return first + '\nLet me know if you want a deeper dive into any of these points.';
  }
  const parts = [first];
  let size = Buffer.byteLength(first);
  let n = 1;
  while (size < 100 * 1024) {
    const s = section(rng, model, question, n++);
    parts.push(s);
    size += Buffer.byteLength(s) + 1;
  }
  return parts.join('\n') + '\nThat is the end of the long answer.';
}

/** Splits text into token-like pieces of 1–7 code points (mean ~4), never inside a surrogate pair. */
export function tokenize(text: string, seed: number): string[] {
  const cps = Array.from(text);
  const rng = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const out: string[] = [];
  let i = 0;
  while (i < cps.length) {
    const len = 1 + Math.floor(rng() * 7);
    out.push(cps.slice(i, i + len).join(''));
    i += len;
  }
  return out;
}

export interface ToolCallPlan {
  id: string;
  name: string;
  arguments: string;
  fragments: string[];
}

/** The tool calls for a `tool call` prompt; `parallel` in the prompt gives two calls. */
export function planToolCalls(seed: number, question: string, tools: unknown): ToolCallPlan[] {
  const names: string[] = [];
  if (Array.isArray(tools)) {
    for (const t of tools) {
      const n = (t as { function?: { name?: unknown } } | null)?.function?.name;
      if (typeof n === 'string') {
        names.push(n);
      }
    }
  }
  const rng = mulberry32((hash32(question) ^ seed ^ 0x1234) >>> 0);
  const calls: ToolCallPlan[] = [];
  const count = /parallel/i.test(question) ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const name = names[i] ?? (i === 0 ? 'get_weather' : 'get_local_time');
    const args =
      i === 0
        ? JSON.stringify({ location: '上海 Shanghai, China', unit: 'celsius', days: 3, include: ['humidity', 'wind'] })
        : JSON.stringify({ timezone: 'Asia/Shanghai', format: 'iso8601' });
    const fragments: string[] = [];
    let j = 0;
    while (j < args.length) {
      const len = 3 + Math.floor(rng() * 9);
      fragments.push(args.slice(j, j + len));
      j += len;
    }
    const id =
      'call_' +
      (hash32(`${question}:${i}:${seed}`) >>> 0).toString(36).padStart(7, '0') +
      (hash32(`${i}${question}`) >>> 0).toString(36);
    calls.push({ id, name, arguments: args, fragments });
  }
  return calls;
}
