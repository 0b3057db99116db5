import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** A single IPv4/IPv6 address, or a CIDR network. */
export function isIpOrCidr(s: string): boolean {
  if (typeof s !== 'string' || s.trim() !== s || s === '') {
    return false;
  }
  const slash = s.indexOf('/');
  if (slash < 0) {
    return isIP(s) !== 0;
  }
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const fam = isIP(addr);
  if (fam === 0 || !/^\d{1,3}$/.test(bits)) {
    return false;
  }
  const n = Number(bits);
  return fam === 4 ? n <= 32 : n <= 128;
}

export const UUID_RE =
  /^(?:urn:uuid:)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Normalises a UUID (with or without dashes) to lower-case dashed form, or null. */
export function normUuid(s: string): string | null {
  if (!UUID_RE.test(s)) {
    return null;
  }
  const h = s
    .replace(/^urn:uuid:/, '')
    .replace(/-/g, '')
    .toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidErrorDetail(s: string): string {
  const clean = s.replace(/-/g, '');
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) {
    return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${bad[0]}\` at ${s.indexOf(bad[0]) + 1}`;
  }
  return `invalid group length in group 4: expected 12, found ${Math.max(0, clean.length - 20)}`;
}

const DT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses a Pydantic-v2-acceptable datetime: ISO-8601 (naive = UTC), a date alone, or a Unix
 * timestamp (seconds, or ms when large). Returns ms epoch or an error string.
 */
export function parseDateTime(v: unknown): number | string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      return 'invalid timestamp';
    }
    return Math.abs(v) > 2e10 ? Math.round(v) : Math.round(v * 1000);
  }
  if (typeof v !== 'string') {
    return 'input is not a string';
  }
  if (v.length < 10) {
    return 'input is too short';
  }
  const m = DT_RE.exec(v);
  if (!m) {
    return /^\d{4}/.test(v)
      ? 'invalid datetime separator, expected `T`, `t`, `_` or space'
      : 'invalid character in year';
  }
  const [, y, mo, d, hh, mi, ss, frac, tz] = m;
  const ms0 = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(hh ?? 0),
    Number(mi ?? 0),
    Number(ss ?? 0),
    Number((frac ?? '0').padEnd(3, '0').slice(0, 3)),
  );
  const check = new Date(ms0);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(hh ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(ss ?? 0) > 59
  ) {
    return 'month value is outside expected range of 1-12 or day value is outside expected range';
  }
  let offsetMin = 0;
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  return ms0 - offsetMin * 60_000;
}

/** The caller's address as a gateway sees it (an IPv4-mapped IPv6 address as plain IPv4). */
export function clientIp(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** Whether `ip` is one of the addresses / CIDR networks of `list` (an empty list allows every address). */
export function ipAllowed(ip: string, list: readonly string[]): boolean {
  const entries = list.map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) {
    return true;
  }
  const fam = isIP(ip);
  if (fam === 0) {
    return false;
  }
  const type = fam === 4 ? 'ipv4' : 'ipv6';
  const bl = new BlockList();
  for (const e of entries) {
    const slash = e.indexOf('/');
    const addr = slash < 0 ? e : e.slice(0, slash);
    const f = isIP(addr);
    if (f === 0) {
      continue;
    }
    const t = f === 4 ? 'ipv4' : 'ipv6';
    if (slash < 0) {
      bl.addAddress(addr, t);
    } else {
      bl.addSubnet(addr, Number(e.slice(slash + 1)), t);
    }
  }
  return bl.check(ip, type);
}
