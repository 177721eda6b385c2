/**
 * Erasing a patron's details from requests, leaving the requests themselves: state, dates,
 * partners, service type, item and audit trail stay, so statistics (computed from requests and
 * request_events) come out as before.
 *
 * What is erased from a request: `patron` (id, name, given name, surname, e-mail, no-mail),
 * `note` and a `pendingNote` (free text from staff, the patron or a discovery layer: no pattern
 * recognises every way a note can name a person, so all of it goes), the patron parts of the
 * request's kept protocol messages (redact.ts), and the addresses its patron mail went to. The
 * request gets `patronErased` ({ at, reason }) and an audit event naming the fields erased,
 * never their values.
 *
 * Two ways in: the library's retention (`settings.privacy.retentionDays`, the daily job
 * `privacy.retention`) for requests that ended that many days ago, any role; and staff erasing
 * one patron of the library on demand (its borrowing requests: a patron id names a patron of
 * this library only there), ended requests only, since an open request still needs its patron:
 * the ILS's hold, the mail saying the item is ready, the desk handing it over.
 */
import { endedStates, hasEnded } from '../../domain/state-models';
import type { Principal } from '../access/api-keys';
import { actorOf } from '../access/api-keys';
import type { RequestData } from '../../store/request-data';
import { borrowingRequestsOfPatron, endedRequestsHoldingPatronDetails, forgetMailRecipients, redactMessagesOf } from '../../store/patron-erasure';
import { deleteSessionsOfPatron } from '../../store/patron-sessions';
import { getRequest, type RequestRow } from '../../store/requests';
import { visibleLibrary } from '../directory/libraries';
import { learnAbout, type LifecycleDeps } from '../pipeline/pipeline';
import { redactPatronParsed, redactPatronXml } from './redact';
import { retentionDays } from './settings';

export type ErasureReason = 'retention' | 'staff';

export const PATRON_ERASED_EVENT = 'patron_details_erased';

const DAY_MS = 24 * 3600 * 1000;

/** The states a request has ended in, per role. */
const ENDED_STATES: Readonly<Record<RequestRow['role'], readonly string[]>> = {
  requester: endedStates('requester'),
  supplier: endedStates('supplier'),
  broker: endedStates('broker'),
};

/** The request data without the patron's details, and the names of the fields that held some. Pure. */
export function withoutPatronDetails(data: RequestData, erased: { at: Date; reason: ErasureReason }): { data: RequestData; fields: string[] } {
  const { patron, note, ...rest } = data;
  const { pendingNote, ...lifecycle } = data.lifecycle;
  const fields = [
    ...Object.entries(patron ?? {}).flatMap(([key, value]) => (value === undefined ? [] : [`patron.${key}`])),
    ...(note !== undefined ? ['note'] : []),
    ...(pendingNote !== undefined ? ['lifecycle.pendingNote'] : []),
  ];
  return { data: { ...rest, lifecycle, patronErased: { at: erased.at.toISOString(), reason: erased.reason } }, fields };
}

interface ErasureCause {
  readonly reason: ErasureReason;
  /** `system` for the retention job, the staff member (actorOf) on demand. */
  readonly actor: string;
  readonly retentionDays?: number;
}

/**
 * Erases the patron's details of one request. The copies outside the row go first, so a crash
 * in between leaves the request still marked as holding details and the next run erases again.
 */
export async function erasePatronDetails(deps: LifecycleDeps, requestId: string, cause: ErasureCause): Promise<{ id: string; fields: readonly string[] }> {
  await redactMessagesOf(deps.db, requestId, { xml: redactPatronXml, parsed: redactPatronParsed });
  await forgetMailRecipients(deps.db, requestId);
  const at = deps.now();
  const erased = (data: RequestData) => withoutPatronDetails(data, { at, reason: cause.reason });
  // The fields of the version the write was made on (learnAbout reads again after a lost lock).
  let fields: readonly string[] = [];
  await learnAbout(
    deps,
    requestId,
    { data: (data) => erased(data).data },
    {
      event: PATRON_ERASED_EVENT,
      actor: cause.actor,
      // Names, never values: the audit trail is append-only, so what it holds could never be erased.
      data: (before) => {
        fields = erased(before).fields;
        return { reason: cause.reason, fields, ...(cause.retentionDays !== undefined ? { retentionDays: cause.retentionDays } : {}) };
      },
    },
  );
  return { id: requestId, fields };
}

export interface PatronErasure {
  readonly library: string;
  readonly patronId: string;
  readonly erased: readonly { readonly id: string; readonly fields: readonly string[] }[];
  readonly kept: readonly { readonly id: string; readonly state: string; readonly reason: string }[];
}

/**
 * Staff: erases one patron's details from the library's ended borrowing requests; open ones are
 * named, not erased. The patron's sessions end too: they hold what the ILS said at sign-in
 * (name, e-mail), and a patron whose data was erased signs in afresh if they come back.
 */
export async function erasePatron(deps: LifecycleDeps, input: { readonly library: string; readonly patronId: string }, principal: Principal): Promise<PatronErasure> {
  const library = await visibleLibrary(deps, input.library, principal);
  await deleteSessionsOfPatron(deps.db, library.id, input.patronId);
  const erased: PatronErasure['erased'][number][] = [];
  const kept: PatronErasure['kept'][number][] = [];
  for (const { id, state } of await borrowingRequestsOfPatron(deps.db, library.id, input.patronId)) {
    if (!hasEnded('requester', state)) {
      kept.push({ id, state, reason: `the request is open (${state}): its patron is still needed to hand the item over; erase again once it has ended` });
      continue;
    }
    erased.push(await erasePatronDetails(deps, id, { reason: 'staff', actor: actorOf(principal) }));
  }
  return { library: library.symbol, patronId: input.patronId, erased, kept };
}

/** The daily job: for each library with a retention, the requests that ended more than that many days before `at`. */
export async function sweepRetention(deps: LifecycleDeps, at: Date, batch = 200): Promise<{ library: string; erased: number }[]> {
  const done: { library: string; erased: number }[] = [];
  for (const library of await deps.directory.libraries()) {
    const days = retentionDays(library);
    if (days === undefined) continue;
    const cutoff = new Date(at.getTime() - days * DAY_MS);
    let erased = 0;
    for (;;) {
      const ids = await endedRequestsHoldingPatronDetails(deps.db, library.id, ENDED_STATES, cutoff, batch);
      for (const id of ids) {
        const request = await getRequest(deps.db, id);
        if (!request || request.data.patronErased) continue;
        await erasePatronDetails(deps, id, { reason: 'retention', actor: 'system', retentionDays: days });
        erased++;
      }
      if (ids.length < batch) break;
    }
    done.push({ library: library.symbol, erased });
  }
  return done;
}
