/**
 * A small HTTP proxy on loopback for the tests: a forward proxy for http targets (absolute-URI requests) and
 * CONNECT tunnels for https ones. It records what it was asked, can demand a Proxy-Authorization value (407
 * otherwise), can refuse every CONNECT with a status, and maps made-up host names (gateway.test) to the local
 * servers behind it — so a request that reaches the origin under such a name can only have come through it.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxyHit {
  readonly method: string;
  /** The absolute URI of a forwarded request, or host:port of a CONNECT. */
  readonly target: string;
  readonly proxyAuthorization?: string;
}

export interface LoopbackProxyOptions {
  /** host:port as asked → the real address; unknown targets get 502 (forward) or a refused CONNECT. */
  readonly routes: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
  /** The Proxy-Authorization value the proxy demands; without it the answer is 407. */
  readonly requireAuthorization?: string;
  /** Answer every CONNECT with this status (e.g. 403) instead of opening the tunnel. */
  readonly refuseConnect?: number;
}

export interface LoopbackProxy {
  readonly url: string;
  readonly port: number;
  readonly hits: ProxyHit[];
  close(): Promise<void>;
}

function routeOf(routes: LoopbackProxyOptions['routes'], hostPort: string): { host: string; port: number } | undefined {
  return routes[hostPort.toLowerCase()];
}

export async function startLoopbackProxy(options: LoopbackProxyOptions): Promise<LoopbackProxy> {
  const hits: ProxyHit[] = [];
  const sockets = new Set<net.Socket>();
  const authorized = (value: string | undefined): boolean =>
    options.requireAuthorization === undefined || value === options.requireAuthorization;

  const server = http.createServer((req, res) => {
    const auth = req.headers['proxy-authorization'];
    hits.push({ method: req.method ?? '', target: req.url ?? '', ...(auth ? { proxyAuthorization: auth } : {}) });
    if (!authorized(auth)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="loopback test proxy"', 'content-type': 'text/plain' });
      res.end('proxy authentication required');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400);
      res.end('a proxy request needs an absolute URI');
      return;
    }
    const route = routeOf(options.routes, `${target.hostname}:${target.port || '80'}`);
    if (!route || target.protocol !== 'http:') {
      res.writeHead(502);
      res.end('no route');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: route.host, port: route.port, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization'];
    hits.push({ method: 'CONNECT', target: req.url ?? '', ...(auth ? { proxyAuthorization: auth } : {}) });
    client.on('error', () => undefined);
    if (!authorized(auth)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="loopback test proxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    if (options.refuseConnect !== undefined) {
      client.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const route = routeOf(options.routes, req.url ?? '');
    if (!route) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(route.port, route.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
