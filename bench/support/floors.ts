/**
 * The floors the full server is measured against: what any ISO 18626 endpoint pays at least.
 * Each reads the body as text and parses it with fast-xml-parser; the commit floors then INSERT
 * the message once (PostgreSQL through a pg pool of 10, as the server's; or an in-process
 * PGlite), and every one answers a fixed OK confirmation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import express, { type Express } from 'express';
import { XMLParser } from 'fast-xml-parser';
import { Pool } from 'pg';
import { okConfirmation } from './message';

export interface Floor {
  readonly app: Express;
  close(): Promise<void>;
}

/** One row per message, unique per transaction, as a supplier's request is. */
const TABLE = `create table if not exists messages (
  requesting_agency text not null,
  request_id text not null,
  received_at timestamptz not null default now(),
  body text not null,
  primary key (requesting_agency, request_id)
)`;
const INSERT = 'insert into messages (requesting_agency, request_id, body) values ($1, $2, $3)';

type Insert = (agency: string, id: string, body: string) => Promise<unknown>;

function floorApp(insert: Insert | undefined): Express {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const answer = okConfirmation();
  const app = express();
  app.post('/iso18626', express.text({ type: () => true, limit: '1mb' }), async (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const header = parser.parse(body)?.ISO18626Message?.request?.header as { requestingAgencyId?: { agencyIdValue?: unknown }; requestingAgencyRequestId?: unknown } | undefined;
    if (insert) {
      const agency = header?.requestingAgencyId?.agencyIdValue;
      const id = header?.requestingAgencyRequestId;
      if (typeof agency !== 'string' || typeof id !== 'string') {
        res.status(400).send('not a request');
        return;
      }
      await insert(agency, id, body);
    }
    res.status(200).type('application/xml; charset=utf-8').send(answer);
  });
  return app;
}

export function bareFloor(): Floor {
  return { app: floorApp(undefined), close: async () => {} };
}

export async function postgresFloor(databaseUrl: string): Promise<Floor> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(TABLE);
  return { app: floorApp((agency, id, body) => pool.query(INSERT, [agency, id, body])), close: () => pool.end() };
}

/** PGlite on files, as the embedded server keeps its data (not in memory). */
export async function pgliteFloor(): Promise<Floor> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ill-bench-pglite-floor-'));
  const db = new PGlite(dataDir);
  await db.waitReady;
  await db.exec(TABLE);
  return {
    app: floorApp((agency, id, body) => db.query(INSERT, [agency, id, body])),
    close: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
