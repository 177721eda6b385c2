/**
 * Who may read /metrics. On a loopback address only this machine can (a Prometheus beside the
 * server, or a proxy in front of it), so no token is needed and `npm start` on the defaults just
 * works; listening beyond loopback, an open /metrics would tell anyone who reaches the port which
 * partners and libraries this server talks to, so the server does not start without a token.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from '../../config/load';

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x) and localhost; 0.0.0.0 and :: are every interface. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h) || /^(0{1,4}:){7}0{0,3}1$/.test(h);
  return false;
}

/** Why the server must not start as configured, worded as what to set; undefined when it may. */
export function metricsExposureProblem(config: Pick<Config, 'host' | 'metrics' | 'metricsToken'>): string | undefined {
  if (config.metrics === 'off' || config.metricsToken !== undefined || isLoopbackHost(config.host)) return undefined;
  return (
    `METRICS_TOKEN: HOST=${config.host} listens beyond loopback, where /metrics must not be open: set METRICS_TOKEN to a secret of ` +
    'at least 16 characters (e.g. openssl rand -hex 32) and give it to Prometheus as a bearer token, or set METRICS=off to serve no /metrics'
  );
}
