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
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(.+)$/.exec(h);
  if (mapped) h = mapped[1] ?? '';
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m[1] === '127' && m.slice(2).every((n) => Number(n) <= 255);
}
