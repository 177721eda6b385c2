/** Secrets the server makes for itself (`server_keys`): made once, by whichever process needs one first. */
import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { serverKeys } from './schema';

async function read(db: Db, name: string): Promise<string | undefined> {
  const [row] = await db.select({ secret: serverKeys.secret }).from(serverKeys).where(eq(serverKeys.name, name));
  return row?.secret;
}

/** The key under `name`; `make` gives the value if there is none yet. Two processes racing both keep the first one written. */
export async function serverKey(db: Db, name: string, make: () => string, at: Date): Promise<string> {
  const known = await read(db, name);
  if (known !== undefined) return known;
  await db.insert(serverKeys).values({ name, secret: make(), createdAt: at }).onConflictDoNothing({ target: serverKeys.name });
  const written = await read(db, name);
  if (written === undefined) throw new Error(`server key ${name} could not be read back`);
  return written;
}
