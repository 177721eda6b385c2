/**
 * Re-request: staff ask again for what an ended borrowing request (unfilled, or cancelled) asked
 * for, with what they edit (edition, service type, most the library pays, the date it is needed
 * by, candidates). It is a new request with its own id, made the way every new request is (routing,
 * the patron check, the patron's mail); the ended one stays as it ended. The two are linked both
 * ways (`rerequestOf`, `rerequestedAs`) in the one write that makes the new request.
 */
import type { Costs, RotaEntry, ServiceType } from '../../domain/types';
import type { RequestRow } from '../../store/requests';
import { Conflict, NotFound } from '../errors';
import { auditEvent, contextFor, decide, eventLabel, type AnyEvent, type LifecycleDeps } from '../pipeline/pipeline';
import { createBorrowingRequest, type BorrowingRequestInput } from './borrowing';

export interface RerequestEdits {
  readonly note?: string | undefined;
  readonly edition?: string | undefined;
  readonly serviceType?: ServiceType | undefined;
  readonly maxCost?: Costs | undefined;
  /** A date, or a date-time whose date is kept (as `neededBy`). */
  readonly needBeforeDate?: string | undefined;
  /** Suppliers to route among; absent: every partner in the directory, as for a request made without any. */
  readonly candidates?: readonly RotaEntry[] | undefined;
}

/** The new request, as created. IllegalTransition when the request has not ended in a way that allows it. */
export async function rerequestBorrowing(deps: LifecycleDeps, request: RequestRow, edits: RerequestEdits, actor: string): Promise<RequestRow> {
  if (request.role !== 'requester' || !request.libraryId) throw new NotFound('borrowing request', request.id);
  if (request.data.rerequestedAs) throw new Conflict(`request ${request.id} was re-requested already, as ${request.data.rerequestedAs}`, { state: request.state, version: request.version });
  const input: AnyEvent = { role: 'requester', event: { type: 'staff', action: 'rerequest', ...(edits.note ? { note: edits.note } : {}) } };
  // The machine says whether this state may be re-requested, and what the ended request's timeline records.
  const ctx = await contextFor(deps, request);
  const decided = decide(request, input, ctx);
  const remark = (newId: string) => {
    const entry = auditEvent(request.state, decided, { event: eventLabel(input), actor }, ctx.at, []);
    return { ...entry, data: { ...entry.data, note: `re-requested as request ${newId}${edits.note ? `: ${edits.note}` : ''}`, rerequestedAs: newId } };
  };
  const { data } = request;
  if (!data.patron) throw new Conflict(`request ${request.id} names no patron to ask for it again`, { state: request.state, version: request.version });
  const bibliographic = { ...data.bibliographic, ...(edits.edition !== undefined ? { edition: edits.edition } : {}) };
  const neededBy = edits.needBeforeDate?.slice(0, 10) ?? data.neededBy;
  const again: BorrowingRequestInput = {
    serviceType: edits.serviceType ?? data.lifecycle.serviceType,
    bibliographic,
    patron: data.patron,
    ...(data.pickupLocation !== undefined ? { pickupLocation: data.pickupLocation } : {}),
    ...(data.format !== undefined ? { format: data.format } : {}),
    ...(neededBy !== undefined ? { neededBy } : {}),
    ...(data.note !== undefined ? { note: data.note } : {}),
    candidates: [...(edits.candidates ?? [])],
  };
  const maxCost = edits.maxCost ?? data.billing?.maxCost;
  return createBorrowingRequest(deps, request.libraryId, again, actor, { channel: 'staff' }, { rerequest: { of: request, ...(maxCost ? { billing: { maxCost } } : {}), remark } });
}
