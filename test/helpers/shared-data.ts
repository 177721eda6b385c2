/**
 * The shared test data beside the repository (`../shared`): the main checkout has it as a
 * sibling; a worktree under `wt/` finds it one level further up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '../..');

export function sharedPath(...parts: string[]): string {
  const candidates = [join(REPO, '../shared', ...parts), join(REPO, '../../shared', ...parts)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
