/**
 * Which failures mean "the database is unavailable" (answered as temporary: HTTP 503, NCIP
 * Temporary Processing Failure) and which do not. Real driver errors where a test can make
 * them on either database driver; the driver's shapes otherwise.
 */
import { PGlite } from '@electric-sql/pglite';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { Client } from 'pg';
import { DatabaseError } from 'pg-protocol';
import { freeLoopbackPort } from '../../../workers/redis-server';
import { DatabaseUnavailable, asDatabaseUnavailable } from '../../../src/store/unavailable';

/** What node-postgres throws for an error the server sent (an ErrorResponse with a SQLSTATE). */
function serverError(code: string, message: string): DatabaseError {
  return Object.assign(new DatabaseError(message, 0, 'error'), { severity: 'FATAL', code });
}
/** Drizzle wraps every driver error: its message is the SQL and its parameters. */
const failedQuery = (cause: unknown) => new DrizzleQueryError('insert into "protocol_messages" ("id") values ($1)', ['0ba1'], cause as Error);
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });

describe('classifying database failures', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['a host that cannot be reached', socketError('EHOSTUNREACH')],
    ['a name that cannot be resolved right now', socketError('EAI_AGAIN')],
    ['a connection the server closed', new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a connect timeout of a new client', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['a client whose connection already failed', new Error('Client has encountered a connection error and is not queryable')],
    ['a pool that was closed (shutting down)', new Error('Cannot use a pool after calling end on the pool')],
    ['PGlite after close()', new Error('PGlite is closed')],
    ['SQLSTATE 08006 connection_failure', serverError('08006', 'connection failure')],
    ['SQLSTATE 08P01 protocol_violation (class 08)', serverError('08P01', 'protocol violation')],
    ['SQLSTATE 57P01 admin_shutdown (a restart)', serverError('57P01', 'terminating connection due to administrator command')],
    ['SQLSTATE 57P02 crash_shutdown', serverError('57P02', 'terminating connection because of crash of another server process')],
    ['SQLSTATE 57P03 cannot_connect_now (still starting)', serverError('57P03', 'the database system is starting up')],
    ['SQLSTATE 53300 too_many_connections', serverError('53300', 'sorry, too many clients already')],
    ['any of those wrapped by Drizzle', failedQuery(serverError('57P01', 'terminating connection due to administrator command'))],
    ['a refusal of every address of a name (AggregateError)', Object.assign(new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]), { code: 'ECONNREFUSED' })],
  ])('%s is "unavailable"', (_case, err) => {
    const down = asDatabaseUnavailable(err);
    expect(down).toBeInstanceOf(DatabaseUnavailable);
    expect(down!.cause).toBe(err);
    // The reason is the driver's, for operators; it never holds the SQL Drizzle put in its message.
    expect(down!.reason).not.toMatch(/insert|protocol_messages|params/);
  });

  it.each([
    ['a unique violation (23505)', failedQuery(serverError('23505', 'duplicate key value violates unique constraint'))],
    ['text PostgreSQL cannot store (22021, a NUL)', failedQuery(serverError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))],
    ['an undefined table (42P01)', serverError('42P01', 'relation "x" does not exist')],
    ['a statement timeout (57014)', serverError('57014', 'canceling statement due to statement timeout')],
    ['a plain programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thing that is not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s is not', (_case, err) => {
    expect(asDatabaseUnavailable(err)).toBeUndefined();
  });

  it('passes a DatabaseUnavailable through unchanged', () => {
    const down = new DatabaseUnavailable('connect ECONNREFUSED 127.0.0.1:5432');
    expect(asDatabaseUnavailable(down)).toBe(down);
    expect(asDatabaseUnavailable(new Error('outer', { cause: down }))?.reason).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('recognises what PGlite really throws once it is closed', async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    await pglite.close();
    const err = await pglite.query('select 1').catch((e: unknown) => e);
    expect(asDatabaseUnavailable(err)?.reason).toBe('PGlite is closed');
  });

  it('recognises what node-postgres really throws when nothing listens', async () => {
    const port = await freeLoopbackPort();
    const client = new Client({ connectionString: `postgres://ill@127.0.0.1:${port}/ill`, connectionTimeoutMillis: 5000 });
    const err = await client.connect().catch((e: unknown) => e);
    expect(asDatabaseUnavailable(err)?.reason).toMatch(/ECONNREFUSED/);
  });
});
