/**
 * Processes as an operator sees them (`ps`, /proc): used to count the redis-servers running on
 * a data folder. redis-server changes into its `--dir`, so its working folder names the folder.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

export function redisServersRunningIn(dir: string): number[] {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return [];
  }
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const zombie = stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
        return !zombie && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server' && readlinkSync(`/proc/${pid}/cwd`) === real;
      } catch {
        return false;
      }
    });
}
