/**
 * The names timelines show for actors: a person's display name for `user:<id>`, a key's name
 * for `staff:<key id>`, "the patron" for the request's own patron (who acted on the patron pages);
 * partners and the system have none (their actor says who they are).
 */
import { z } from 'zod';
import { apiKeyNames } from '../../store/api-keys';
import type { Db } from '../../store/db';
import { staffUserNames } from '../../store/staff-users';
import { PATRON_ACTOR } from '../patrons/sessions';

export type ActorNames = (actor: string) => string | null;

const uuid = z.uuid();

function idsWith(prefix: string, actors: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const actor of actors) {
    if (!actor.startsWith(prefix)) continue;
    const id = actor.slice(prefix.length);
    if (uuid.safeParse(id).success) ids.add(id);
  }
  return [...ids];
}

export async function actorNames(db: Db, actors: Iterable<string>): Promise<ActorNames> {
  const list = [...actors];
  const [users, keys] = await Promise.all([staffUserNames(db, idsWith('user:', list)), apiKeyNames(db, idsWith('staff:', list))]);
  return (actor) => {
    if (actor.startsWith('user:')) return users.get(actor.slice(5)) ?? null;
    if (actor.startsWith('staff:')) return keys.get(actor.slice(6)) ?? null;
    if (actor === PATRON_ACTOR) return 'the patron';
    return null;
  };
}
