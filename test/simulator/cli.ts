/**
 * `npm run simulator`: starts both simulated gateways and prints how to reach them.
 *
 *   node out/test/simulator/cli.js [--aione-port N] [--aihubmix-port N] [--keys N] [--seed N] [--rate N] [--host H]
 *                                  [--dialect one-api|new-api] [--new-api-user required|ignored] [--tls on|off] [--ca-file PATH]
 *
 * Environment fallbacks: AGC_SIM_AIONE_PORT, AGC_SIM_AIHUBMIX_PORT, AGC_SIM_KEYS, AGC_SIM_SEED, AGC_SIM_RATE, AGC_SIM_HOST,
 * AGC_SIM_DIALECT, AGC_SIM_NEW_API_USER, AGC_SIM_TLS, AGC_SIM_CA_FILE.
 * `--tls on` serves https with a test CA made at start; its PEM is in the ready line (`ca`) and, with --ca-file, written
 * to that file (for NODE_EXTRA_CA_CERTS or a client's CA option).
 * Default ports 8787 / 8788 when free, otherwise random free ports.
 * The last line printed at start-up is `SIMULATOR_READY {json}` for scripts to parse.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startSimulator, type AihubmixDialect, type Simulator } from './index';

interface CliOptions {
  aionePort: number | undefined;
  aihubmixPort: number | undefined;
  keys: number;
  seed: number;
  rate: number;
  host: string;
  /** The management API of the AIHubMix port. */
  dialect: AihubmixDialect;
  /** new-api dialect: whether `New-Api-User` is required. */
  requireNewApiUser: boolean;
  /** Serve https (a test CA made at start). */
  tls: boolean;
  /** Where to write the CA's PEM in TLS mode. */
  caFile: string | undefined;
}

const USAGE =
  'usage: simulator [--aione-port N] [--aihubmix-port N] [--keys N] [--seed N] [--rate N] [--host H] [--dialect one-api|new-api] [--new-api-user required|ignored] [--tls on|off] [--ca-file PATH]';

function parseChoice<T extends string>(name: string, v: string | undefined, choices: readonly T[], fallback: T): T {
  if (v === undefined || v === '') {
    return fallback;
  }
  if (!(choices as readonly string[]).includes(v)) {
    throw new Error(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function parseNum(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined || v === '') {
    return undefined;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--help' || a === '-h') {
      throw new Error(USAGE);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !m[1]) {
      throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      throw new Error(`missing value for --${m[1]}`);
    }
    flags[m[1]] = value;
  }
  const known = [
    'aione-port',
    'aihubmix-port',
    'keys',
    'seed',
    'rate',
    'host',
    'dialect',
    'new-api-user',
    'tls',
    'ca-file',
  ];
  for (const k of Object.keys(flags)) {
    if (!known.includes(k)) {
      throw new Error(`unknown option --${k}\n${USAGE}`);
    }
  }
  return {
    aionePort: parseNum('--aione-port', flags['aione-port'] ?? env['AGC_SIM_AIONE_PORT'], 0),
    aihubmixPort: parseNum('--aihubmix-port', flags['aihubmix-port'] ?? env['AGC_SIM_AIHUBMIX_PORT'], 0),
    keys: parseNum('--keys', flags['keys'] ?? env['AGC_SIM_KEYS'], 1) ?? 48,
    seed: parseNum('--seed', flags['seed'] ?? env['AGC_SIM_SEED'], 0) ?? 42,
    rate: parseNum('--rate', flags['rate'] ?? env['AGC_SIM_RATE'], 0) ?? 400,
    host: flags['host'] ?? env['AGC_SIM_HOST'] ?? '127.0.0.1',
    dialect: parseChoice(
      '--dialect',
      flags['dialect'] ?? env['AGC_SIM_DIALECT'],
      ['one-api', 'new-api'] as const,
      'one-api',
    ),
    requireNewApiUser:
      parseChoice(
        '--new-api-user',
        flags['new-api-user'] ?? env['AGC_SIM_NEW_API_USER'],
        ['required', 'ignored'] as const,
        'ignored',
      ) === 'required',
    tls: parseChoice('--tls', flags['tls'] ?? env['AGC_SIM_TLS'], ['on', 'off'] as const, 'off') === 'on',
    caFile: flags['ca-file'] ?? (env['AGC_SIM_CA_FILE'] || undefined),
  };
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const aionePort = o.aionePort ?? ((await portFree(8787, o.host)) ? 8787 : 0);
  const aihubmixPort = o.aihubmixPort ?? ((await portFree(8788, o.host)) ? 8788 : 0);
  const t0 = Date.now();
  const sim: Simulator = await startSimulator({
    host: o.host,
    aionePort,
    aihubmixPort,
    keyCount: o.keys,
    seed: o.seed,
    streamTokensPerSecond: o.rate,
    aihubmixDialect: o.dialect,
    requireNewApiUser: o.requireNewApiUser,
    tls: o.tls,
  });
  if (sim.tls && o.caFile) writeFileSync(o.caFile, sim.tls.ca);
  const ms = Date.now() - t0;
  const lines = [
    `AI Gateway Console simulator (seed ${o.seed}, ${o.keys} keys per gateway, ${o.rate} tok/s, started in ${ms} ms)`,
    '',
    `  AIone API   ${sim.aione.url}`,
    `    admin token  ${sim.aione.adminToken}`,
    `    model key    ${sim.aione.modelKey}`,
    '',
    `  AIHubMix    ${sim.aihubmix.url}${o.dialect === 'new-api' ? `   (new-api dialect${o.requireNewApiUser ? ', New-Api-User required' : ''})` : ''}`,
    `    access token ${sim.aihubmix.accessToken}   (user id ${sim.aihubmix.userId})`,
    `    model key    ${sim.aihubmix.modelKey}`,
    '',
    ...(sim.tls
      ? [
          `  TLS          trust the test CA ${o.caFile ? `in ${o.caFile}` : '(PEM in the SIMULATOR_READY line, field ca)'}`,
          '',
        ]
      : []),
    `  control      ${sim.aione.url}/__sim/state  (same routes on both ports: /__sim/faults, /__sim/reset, /__sim/keys, /__sim/requests, /__sim/streams)`,
    '  Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const ready = {
    aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey },
    aihubmix: {
      url: sim.aihubmix.url,
      accessToken: sim.aihubmix.accessToken,
      modelKey: sim.aihubmix.modelKey,
      userId: sim.aihubmix.userId,
      dialect: o.dialect,
    },
    ...(sim.tls ? { ca: sim.tls.ca } : {}),
  };
  process.stdout.write(`SIMULATOR_READY ${JSON.stringify(ready)}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the simulator\n`);
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`simulator failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
