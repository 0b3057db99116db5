/**
 * Network primitives with one meaning everywhere (pure: no 'vscode', no I/O), used by the base-URL rules,
 * the proxy bypass and the demo.
 */

/**
 * True for a host name that can only mean this machine: `localhost`, `*.localhost`, 127.0.0.0/8 written as four
 * decimal octets, `::1` and its IPv4-mapped form `::ffff:127.x.y.z`. Brackets around IPv6 literals and a
 * trailing dot are accepted. A name that merely starts with "127." (`127.example.com`) is not loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  let h = hostname.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  // any spelling of an IP literal, as the URL parser writes it too: [::ffff:127.0.0.1] becomes [::ffff:7f00:1]
  const ip = parseIp(h);
  if (!ip) return false;
  if (ip.length === 4) return ip[0] === 127;
  if (isV4Mapped(ip)) return ip[12] === 127;
  return ip.subarray(0, 15).every((b) => b === 0) && ip[15] === 1;
}

/** The 4 (IPv4) or 16 (IPv6) bytes of an IP literal, or undefined for anything else (names, bad octets). */
export function parseIp(host: string): Uint8Array | undefined {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  // Stryker disable next-line EqualityOperator: `> 0` keeps a '%' at 0, and '' and '%…' are both no address; `< 0` is killed by the zone test (a disable covers a mutator on the whole line)
  if (zone >= 0) h = h.slice(0, zone);
  return h.includes(':') ? parseIpv6(h) : parseIpv4(h);
}

function parseIpv4(h: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return undefined;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
}

function parseIpv6(h: string): Uint8Array | undefined {
  let text = h;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (v4) {
    const b = parseIpv4(v4[2]!);
    if (!b) return undefined;
    tail.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    text = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const groups = [...head, ...rest, ...tail];
  const missing = 8 - groups.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  // without '::' nothing is missing and there is no second half
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Whether IP bytes are an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`); IPv4 bytes have no byte 10 or 11. */
function isV4Mapped(ip: Uint8Array): boolean {
  return ip[10] === 0xff && ip[11] === 0xff && ip.subarray(0, 10).every((b) => b === 0);
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 bytes; anything else unchanged. */
function unmapped(ip: Uint8Array): Uint8Array {
  return isV4Mapped(ip) ? ip.slice(12) : ip;
}

/** Whether two IP literals name the same address (IPv4-mapped IPv6 equals its IPv4). */
export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  const x = unmapped(a);
  const y = unmapped(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * A CIDR range such as `10.0.0.0/8` or `fd00::/8` as a predicate over IP bytes; undefined when the text is not
 * one (a bad address or a prefix longer than the address).
 */
export function parseCidr(text: string): ((ip: Uint8Array) => boolean) | undefined {
  const m = /^(.+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const base = parseIp(m[1]!);
  const bits = Number(m[2]);
  if (!base || bits > base.length * 8) return undefined;
  return (candidate) => {
    const ip = base.length === 4 ? unmapped(candidate) : candidate;
    if (ip.length !== base.length) return false;
    for (let i = 0; i < bits; i++) {
      const mask = 0x80 >> (i & 7);
      if (((ip[i >> 3] ?? 0) & mask) !== ((base[i >> 3] ?? 0) & mask)) return false;
    }
    return true;
  };
}
