/**
 * Who may read /metrics: open on loopback (the default HOST, so `npm start` just works), behind a
 * bearer token beyond it; the server does not start listening beyond loopback with /metrics open.
 */
import { checkStart, EXIT_CONFIG } from '../../../src/main';
import { isLoopbackHost } from '../../../src/metrics/exposure';

const run = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
  const stderr: string[] = [];
  const outcome = checkStart({ env, argv, stderr: (l) => stderr.push(l), stdout: () => {} });
  return { outcome, stderr: stderr.join('\n') };
};

describe('starting with /metrics beyond loopback', () => {
  it('starts on the defaults: HOST is 127.0.0.1 and /metrics needs no token there', () => {
    expect(run({}).outcome).toMatchObject({ role: 'server', config: { host: '127.0.0.1', metrics: 'on' } });
  });

  it.each(['0.0.0.0', '::', '192.0.2.10', 'ill.example.org'])('refuses HOST=%s without METRICS_TOKEN, saying what to set', (host) => {
    const { outcome, stderr } = run({ HOST: host });
    expect(outcome).toEqual({ exitCode: EXIT_CONFIG });
    expect(stderr).toBe(
      `Invalid configuration:\n  - METRICS_TOKEN: HOST=${host} listens beyond loopback, where /metrics must not be open: set METRICS_TOKEN to a secret of ` +
        'at least 16 characters (e.g. openssl rand -hex 32) and give it to Prometheus as a bearer token, or set METRICS=off to serve no /metrics',
    );
  });

  it('starts beyond loopback with a token, or with metrics switched off', () => {
    expect(run({ HOST: '0.0.0.0', METRICS_TOKEN: 'a-long-enough-metrics-token' }).outcome).toMatchObject({ role: 'server', config: { metricsToken: 'a-long-enough-metrics-token' } });
    expect(run({ HOST: '0.0.0.0', METRICS: 'off' }).outcome).toMatchObject({ role: 'server', config: { metrics: 'off' } });
  });

  it('refuses a short token without echoing it', () => {
    const { outcome, stderr } = run({ METRICS_TOKEN: 'short' });
    expect(outcome).toEqual({ exitCode: EXIT_CONFIG });
    expect(stderr).toBe('Invalid configuration:\n  - METRICS_TOKEN: must be at least 16 characters (e.g. from openssl rand -hex 32)');
  });

  it('leaves a separate worker process alone: it serves no HTTP', () => {
    expect(run({ HOST: '0.0.0.0', DATABASE_URL: 'postgres://localhost/ill' }, ['--workers']).outcome).toMatchObject({ role: 'workers' });
  });
});

describe('loopback addresses', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.org', '::ffff:10.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
