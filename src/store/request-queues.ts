/**
 * The work queues (src/domain/queues.ts) in SQL: which rows a queue holds, and the counts of
 * every queue from one GROUP BY over the requests table. The grouping is by what a queue looks
 * at (role, state, needs attention, overdue), so each queue's count is summed from the groups
 * by the same `inQueue` the definitions are tested with, and a new queue needs no new SQL.
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { OVERDUE_STATUSES, QUEUES, type QueueDefinition, type QueueGroup, type QueueRole } from '../domain/queues';
import type { Db } from './db';
import { requests } from './schema';

/**
 * The lifecycle's due date as an instant, or null. Due dates are stored as xs:dateTime with a
 * zone (the codec and the staff API normalise them); the pattern keeps a value written by hand
 * from failing the whole count with a cast error.
 */
const DUE_DATE = sql`(case when ${requests.data}->'lifecycle'->>'dueDate' ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'
  then (${requests.data}->'lifecycle'->>'dueDate')::timestamptz end)`;

/** `isOverdue` in SQL: the lender said Overdue or Recalled, or the due date has passed at `at`. */
export function overdueSql(at: Date): SQL {
  return sql`(coalesce(${requests.data}->'lifecycle'->>'lastStatus' in (${sql.join(
    OVERDUE_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  )}), false) or coalesce(${DUE_DATE} < ${at.toISOString()}::timestamptz, false))`;
}

/** The rows `queue` holds (`inQueue` in SQL). */
export function inQueueSql(queue: QueueDefinition, at: Date): SQL {
  const states = queue.states as readonly string[];
  const overdueIn = (queue.overdueIn ?? []) as readonly string[];
  const holds: SQL[] = [];
  if (states.length > 0) holds.push(inArray(requests.state, [...states]));
  if (queue.needsAttention) holds.push(eq(requests.needsAttention, true));
  if (overdueIn.length > 0) holds.push(and(inArray(requests.state, [...overdueIn]), overdueSql(at))!);
  return and(eq(requests.role, queue.role), holds.length > 0 ? or(...holds)! : sql`false`)!;
}

/** Per role, the states some queue holds by state or by the overdue flag. */
function queuedStates(): Map<QueueRole, string[]> {
  const byRole = new Map<QueueRole, Set<string>>();
  for (const q of QUEUES) {
    const set = byRole.get(q.role) ?? new Set<string>();
    for (const s of [...q.states, ...(q.overdueIn ?? [])] as string[]) set.add(s);
    byRole.set(q.role, set);
  }
  return new Map([...byRole].map(([role, set]) => [role, [...set]]));
}

/** Per role, the states whose rows the overdue flag is asked about. */
function overdueStates(): Map<QueueRole, string[]> {
  const byRole = new Map<QueueRole, string[]>();
  for (const q of QUEUES) if (q.overdueIn) byRole.set(q.role, [...(byRole.get(q.role) ?? []), ...(q.overdueIn as readonly string[])]);
  return byRole;
}

/**
 * The requests in some queue, grouped by what the queues look at, in one statement. Rows no
 * queue can hold (ended, and not flagged) are left out by the WHERE; the overdue flag is worked
 * out only for the states a queue asks it of, so the other rows stay in few groups.
 */
export async function queueGroups(db: Db, scope: { readonly libraryId?: string; readonly at: Date }): Promise<QueueGroup[]> {
  const inSomeQueue = [...queuedStates()].map(([role, states]) => and(eq(requests.role, role), inArray(requests.state, states))!);
  const askOverdue = [...overdueStates()].map(([role, states]) => and(eq(requests.role, role), inArray(requests.state, states))!);
  const overdue = askOverdue.length > 0 ? sql<boolean>`(${or(...askOverdue)} and ${overdueSql(scope.at)})` : sql<boolean>`false`;
  const rows = await db
    .select({ role: requests.role, state: requests.state, needsAttention: requests.needsAttention, overdue, count: sql<number>`count(*)::int` })
    .from(requests)
    .where(and(scope.libraryId ? eq(requests.libraryId, scope.libraryId) : undefined, or(eq(requests.needsAttention, true), ...inSomeQueue)))
    .groupBy(sql.raw('1, 2, 3, 4')); // by position: the overdue expression carries parameters, which would not match a repeated copy
  return rows.map((r) => ({ role: r.role, state: r.state, needsAttention: r.needsAttention, overdue: Boolean(r.overdue), count: Number(r.count) }));
}
