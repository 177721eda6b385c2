/**
 * A mock ILS: an in-memory NCIP 2.02 responder over real HTTP on 127.0.0.1, for tests and demos.
 * It answers with the codec's build (so every answer is schema-valid) and behaves like a
 * circulation system would: AcceptItem creates a temporary item with a hold for the patron,
 * CheckOutItem sets a due date, CheckInItem returns it, DeleteItem removes it, RequestItem and
 * CancelRequestItem manage holds, RenewItem extends the loan or refuses. Switches make it slow,
 * fail with HTTP 500, answer with the wrong content type or with garbage.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NCIP_VERSION,
  NcipProblem,
  buildNcip,
  buildProblemResponse,
  parseNcip,
  serviceProblemScheme,
  type AuthenticationInput,
  type InitiationHeader,
  type NcipMessage,
  type NcipMessageOf,
  type ResponseHeader,
  type UserId,
} from '../../protocols/ncip';

export interface MockUser {
  readonly id: string;
  givenName?: string;
  surname?: string;
  email?: string;
  /** Shown as a STATUS=BLOCKED privilege plus a BlockOrTrap, as FOLIO and Aleph do. */
  blocked?: boolean;
  /** Also found by this username through AuthenticationInput. */
  username?: string;
  /** The library card's barcode: found by it (or by its id) through AuthenticationInput "Barcode Id". */
  barcode?: string;
  /** Checked when AuthenticationInput carries a PIN; a user with one must present it with the barcode. */
  pin?: string;
}

export interface MockItem {
  readonly barcode: string;
  title?: string;
  author?: string;
  bibId?: string;
  /** Created by AcceptItem, for an ILL loan. */
  temporary: boolean;
  loan?: { userId: string; dateDue: Date; renewals: number };
}

export interface MockHold {
  readonly requestId: string;
  readonly userId: string;
  readonly itemBarcode: string | undefined;
  readonly requestType: string;
  readonly pickupLocation: string | undefined;
  /** The request id the client sent (AcceptItem / RequestItem), e.g. the ILL transaction id. */
  readonly externalId: string | undefined;
  status: 'active' | 'fulfilled' | 'cancelled';
}

export interface MockIlsState {
  readonly users: Map<string, MockUser>;
  readonly items: Map<string, MockItem>;
  readonly holds: Map<string, MockHold>;
}

export interface MockIlsBehaviour {
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Answer with this HTTP status and a non-NCIP body, as mod-ncip does on infrastructure errors. */
  readonly httpStatus?: number;
  /** Answer a well-formed NCIP body with this Content-Type instead of application/xml. */
  readonly contentType?: string;
  /** Answer HTTP 200 application/xml with a body that is not NCIP. */
  readonly garbage?: boolean;
}

export interface MockIlsCall {
  /** The NCIPMessage child element name, or 'unparseable'. */
  readonly service: string;
  readonly message: NcipMessage | undefined;
  readonly problem: NcipProblem | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface MockIlsOptions {
  readonly users?: readonly MockUser[];
  readonly items?: readonly Omit<MockItem, 'temporary'>[];
  /** Loan period for CheckOutItem and each renewal (default 28 days). */
  readonly loanPeriodDays?: number;
  /** CheckOutItem applies the loan period whatever DesiredDateDue asks, as an ILS with fixed loan rules does. */
  readonly ignoresDesiredDateDue?: boolean;
  readonly maxRenewals?: number;
  readonly agencyId?: string;
  readonly now?: () => Date;
  readonly behaviour?: MockIlsBehaviour;
}

export interface MockIls {
  readonly url: string;
  readonly state: MockIlsState;
  readonly calls: MockIlsCall[];
  setBehaviour(behaviour: MockIlsBehaviour): void;
  close(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

export async function startMockIls(options: MockIlsOptions = {}): Promise<MockIls> {
  const state: MockIlsState = {
    users: new Map((options.users ?? []).map((u) => [u.id, { ...u }])),
    items: new Map((options.items ?? []).map((i) => [i.barcode, { ...i, temporary: false }])),
    holds: new Map(),
  };
  const calls: MockIlsCall[] = [];
  let behaviour: MockIlsBehaviour = options.behaviour ?? {};
  const timers = new Set<NodeJS.Timeout>();
  const responder = new Responder(state, {
    loanPeriodMs: (options.loanPeriodDays ?? 28) * DAY,
    ignoresDesiredDateDue: options.ignoresDesiredDateDue ?? false,
    maxRenewals: options.maxRenewals ?? 2,
    agencyId: options.agencyId ?? 'MOCK-ILS',
    now: options.now ?? (() => new Date()),
  });

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const body = await readBody(req);
    let message: NcipMessage | undefined;
    let problem: NcipProblem | undefined;
    try {
      message = parseNcip(body);
    } catch (err) {
      problem = err instanceof NcipProblem ? err : new NcipProblem('Temporary Processing Failure', String(err));
    }
    calls.push({ service: message?.messageType ?? 'unparseable', message, problem, headers: req.headers, body });
    const current = behaviour;
    if (current.delayMs !== undefined && current.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, current.delayMs);
        timers.add(timer);
      });
    }
    if (res.destroyed) return;
    if (current.httpStatus !== undefined) {
      res.writeHead(current.httpStatus, { 'content-type': 'application/xml' });
      res.end('<Problem><message>problem processing NCIP request</message><exception>java.lang.NullPointerException</exception></Problem>');
      return;
    }
    if (current.garbage === true) {
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<<<this is not XML at all');
      return;
    }
    const answer = message !== undefined ? responder.answer(message) : buildProblemResponse(problem!);
    res.writeHead(200, { 'content-type': current.contentType ?? 'application/xml; charset=utf-8' }).end(answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ncip`,
    state,
    calls,
    setBehaviour(next) {
      behaviour = next;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 2 * 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface ResponderConfig {
  readonly loanPeriodMs: number;
  readonly ignoresDesiredDateDue: boolean;
  readonly maxRenewals: number;
  readonly agencyId: string;
  readonly now: () => Date;
}

/** Refusal with a standard Problem type of the service's scheme. */
class Refusal extends Error {
  constructor(
    readonly type: string,
    readonly detail: string,
    readonly element?: string,
    readonly value?: string,
  ) {
    super(detail);
  }
}

type Initiation = NcipMessageOf<'LookupUser' | 'AcceptItem' | 'CheckOutItem' | 'CheckInItem' | 'DeleteItem' | 'RequestItem' | 'CancelRequestItem' | 'RenewItem' | 'LookupItem' | 'LookupRequest'>;

class Responder {
  private sequence = 0;
  constructor(
    private readonly state: MockIlsState,
    private readonly config: ResponderConfig,
  ) {}

  answer(message: NcipMessage): string {
    const version = message.version ?? NCIP_VERSION;
    if (message.messageType === 'LookupVersion') {
      return buildNcip({
        messageType: 'LookupVersionResponse',
        fromAgencyId: { value: this.config.agencyId },
        toAgencyId: message.fromAgencyId,
        versionSupported: [NCIP_VERSION],
        serviceSupported: ['LookupUser', 'LookupItem', 'AcceptItem', 'CheckOutItem', 'CheckInItem', 'DeleteItem', 'RequestItem', 'CancelRequestItem', 'RenewItem', 'LookupRequest'],
      });
    }
    if (message.messageType === 'Problem' || message.messageType === 'LookupVersionResponse' || message.messageType.endsWith('Response')) {
      return buildProblemResponse(new NcipProblem('Unsupported Service', `${message.messageType} is an answer, not a request`, { element: message.messageType }), undefined, version);
    }
    const initiation = message as Initiation;
    const service = initiation.messageType;
    const responseHeader = this.header(initiation.initiationHeader);
    try {
      const body = this.serve(initiation);
      return buildNcip({ ...body, version, ...(responseHeader ? { responseHeader } : {}) } as NcipMessage);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      const problem = {
        problemType: { value: err.type, scheme: serviceProblemScheme(service) },
        problemDetail: err.detail,
        ...(err.element !== undefined ? { problemElement: err.element } : {}),
        ...(err.value !== undefined ? { problemValue: err.value } : {}),
      };
      return buildNcip({ messageType: `${service}Response`, version, ...(responseHeader ? { responseHeader } : {}), problems: [problem] } as NcipMessage);
    }
  }

  private header(initiation: InitiationHeader | undefined): ResponseHeader | undefined {
    return initiation ? { fromAgencyId: initiation.toAgencyId, toAgencyId: initiation.fromAgencyId } : undefined;
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-${this.sequence}`;
  }

  private user(userId: UserId | undefined, auth: readonly AuthenticationInput[] | undefined): MockUser {
    const input = (type: string) => auth?.find((a) => a.authenticationInputType.value.toLowerCase() === type)?.authenticationInputData;
    const barcode = userId === undefined ? input('barcode id') : undefined;
    const key = userId?.userIdentifierValue ?? barcode ?? input('username') ?? auth?.[0]?.authenticationInputData ?? '';
    const users = [...this.state.users.values()];
    const user =
      barcode !== undefined
        ? (users.find((u) => u.barcode === barcode) ?? this.state.users.get(barcode))
        : (this.state.users.get(key) ?? users.find((u) => u.username !== undefined && u.username === key));
    if (user === undefined) throw new Refusal('Unknown User', `no patron ${key}`, 'UserId', key);
    // NCIP's standard Problem for a wrong (or missing) PIN; the element is the input that failed.
    const pin = input('pin');
    if (barcode !== undefined && user.pin !== undefined && pin !== user.pin) throw new Refusal('User Authentication Failed', 'the barcode and PIN do not match', 'AuthenticationInput');
    return user;
  }

  private notBlocked(user: MockUser): void {
    if (user.blocked === true) throw new Refusal('User Blocked', `patron ${user.id} is blocked`, 'UserId', user.id);
  }

  private item(barcode: string): MockItem {
    const item = this.state.items.get(barcode);
    if (item === undefined) throw new Refusal('Unknown Item', `no item ${barcode}`, 'ItemId', barcode);
    return item;
  }

  private userId(user: MockUser): UserId {
    return { agencyId: { value: this.config.agencyId }, userIdentifierValue: user.id };
  }

  private serve(m: Initiation): NcipMessage {
    switch (m.messageType) {
      case 'LookupUser':
        return this.lookupUser(m);
      case 'AcceptItem':
        return this.acceptItem(m);
      case 'CheckOutItem': {
        const user = this.user(m.userId, m.authenticationInputs);
        this.notBlocked(user);
        const item = this.item(m.itemId.itemIdentifierValue);
        if (item.loan !== undefined && item.loan.userId !== user.id) throw new Refusal('Item Does Not Circulate', `item ${item.barcode} is on loan to someone else`, 'ItemId', item.barcode);
        const dateDue = m.desiredDateDue !== undefined && !this.config.ignoresDesiredDateDue ? new Date(m.desiredDateDue) : new Date(this.config.now().getTime() + this.config.loanPeriodMs);
        item.loan = { userId: user.id, dateDue, renewals: 0 };
        for (const hold of this.state.holds.values()) if (hold.itemBarcode === item.barcode && hold.userId === user.id && hold.status === 'active') hold.status = 'fulfilled';
        return { messageType: 'CheckOutItemResponse', itemId: m.itemId, userId: this.userId(user), dateDue: dateDue.toISOString() };
      }
      case 'CheckInItem': {
        const item = this.item(m.itemId.itemIdentifierValue);
        if (item.loan === undefined) throw new Refusal('Item Not Checked Out', `item ${item.barcode} is not on loan`, 'ItemId', item.barcode);
        const userId = item.loan.userId;
        delete item.loan;
        return { messageType: 'CheckInItemResponse', itemId: m.itemId, userId: { userIdentifierValue: userId } };
      }
      case 'DeleteItem': {
        const item = this.item(m.itemId.itemIdentifierValue);
        this.state.items.delete(item.barcode);
        return { messageType: 'DeleteItemResponse', itemId: m.itemId };
      }
      case 'RequestItem':
        return this.requestItem(m);
      case 'CancelRequestItem': {
        const user = this.user(m.userId, m.authenticationInputs);
        const hold =
          m.requestId !== undefined
            ? (this.state.holds.get(m.requestId.requestIdentifierValue) ?? [...this.state.holds.values()].find((h) => h.externalId === m.requestId?.requestIdentifierValue))
            : [...this.state.holds.values()].find((h) => h.itemBarcode === m.itemId?.itemIdentifierValue && h.userId === user.id && h.status === 'active');
        if (hold === undefined) throw new Refusal('Unknown Request', 'no such request', 'RequestId', m.requestId?.requestIdentifierValue);
        if (hold.status !== 'active') throw new Refusal('Request Already Processed', `request ${hold.requestId} is ${hold.status}`, 'RequestId', hold.requestId);
        hold.status = 'cancelled';
        return { messageType: 'CancelRequestItemResponse', requestId: { requestIdentifierValue: hold.requestId }, userId: this.userId(user) };
      }
      case 'RenewItem':
        return this.renewItem(m);
      case 'LookupItem': {
        const barcode = m.itemId?.itemIdentifierValue ?? this.state.holds.get(m.requestId?.requestIdentifierValue ?? '')?.itemBarcode ?? '';
        const item = this.item(barcode);
        return {
          messageType: 'LookupItemResponse',
          itemId: { itemIdentifierValue: item.barcode },
          itemOptionalFields: {
            ...(item.title !== undefined || item.author !== undefined ? { bibliographicDescription: { ...(item.author ? { author: item.author } : {}), ...(item.title ? { title: item.title } : {}) } } : {}),
            circulationStatus: { value: item.loan ? 'On Loan' : 'Available On Shelf' },
            ...(item.loan ? { dateDue: item.loan.dateDue.toISOString() } : {}),
          },
        };
      }
      case 'LookupRequest': {
        const key = m.requestId?.requestIdentifierValue;
        const hold =
          key !== undefined
            ? (this.state.holds.get(key) ?? [...this.state.holds.values()].find((h) => h.externalId === key))
            : [...this.state.holds.values()].find((h) => h.itemBarcode === m.itemId?.itemIdentifierValue && h.userId === m.userId?.userIdentifierValue);
        if (hold === undefined) throw new Refusal('Unknown Request', 'no such request', 'RequestId', key);
        const status = hold.status === 'cancelled' ? 'Cannot Fulfill Request' : hold.itemBarcode !== undefined && hold.status === 'active' ? 'Available For Pickup' : 'In Process';
        return {
          messageType: 'LookupRequestResponse',
          requestId: { requestIdentifierValue: hold.requestId },
          ...(hold.itemBarcode !== undefined ? { itemId: { itemIdentifierValue: hold.itemBarcode } } : {}),
          userId: { userIdentifierValue: hold.userId },
          requestType: { value: hold.requestType },
          requestStatusType: { value: status },
          ...(hold.pickupLocation !== undefined ? { pickupLocation: { value: hold.pickupLocation } } : {}),
        };
      }
    }
  }

  private lookupUser(m: NcipMessageOf<'LookupUser'>): NcipMessage {
    const user = this.user(m.userId, m.authenticationInputs);
    const agencyId = { value: this.config.agencyId };
    return {
      messageType: 'LookupUserResponse',
      userId: this.userId(user),
      userOptionalFields: {
        ...(user.surname !== undefined
          ? { nameInformation: { personalNameInformation: { structuredPersonalUserName: { ...(user.givenName ? { givenName: user.givenName } : {}), surname: user.surname } } } }
          : {}),
        ...(user.email !== undefined
          ? { userAddressInformations: [{ userAddressRoleType: { value: 'Multi-Purpose' }, electronicAddress: { electronicAddressType: { value: 'mailto' }, electronicAddressData: user.email } }] }
          : {}),
        userPrivileges: [
          { agencyId, agencyUserPrivilegeType: { value: 'STATUS' }, userPrivilegeStatus: { userPrivilegeStatusType: { value: user.blocked === true ? 'BLOCKED' : 'ACTIVE' } } },
          { agencyId, agencyUserPrivilegeType: { value: 'PROFILE' }, userPrivilegeDescription: 'Patron' },
        ],
        ...(user.blocked === true ? { blockOrTraps: [{ agencyId, blockOrTrapType: { value: 'Manual block' } }] } : {}),
      },
    };
  }

  private acceptItem(m: NcipMessageOf<'AcceptItem'>): NcipMessage {
    const user = this.user(m.userId, undefined);
    const externalId = m.requestId.requestIdentifierValue;
    const existing = [...this.state.holds.values()].find((h) => h.externalId === externalId && h.status === 'active');
    const barcode = m.itemId?.itemIdentifierValue ?? existing?.itemBarcode ?? this.nextId('TMP');
    if (existing === undefined || existing.itemBarcode !== barcode) {
      if (this.state.items.has(barcode) && !this.state.items.get(barcode)!.temporary) {
        throw new Refusal('Cannot Accept Item', `barcode ${barcode} belongs to a permanent item`, 'ItemId', barcode);
      }
      const description = m.itemOptionalFields?.bibliographicDescription;
      this.state.items.set(barcode, {
        barcode,
        temporary: true,
        ...(description?.title !== undefined ? { title: description.title } : {}),
        ...(description?.author !== undefined ? { author: description.author } : {}),
      });
    }
    const hold = existing ?? this.addHold(user.id, barcode, 'Hold', m.pickupLocation?.value, externalId);
    return { messageType: 'AcceptItemResponse', requestId: { requestIdentifierType: { value: 'Hold Id' }, requestIdentifierValue: hold.requestId }, itemId: { itemIdentifierValue: barcode } };
  }

  private addHold(userId: string, itemBarcode: string | undefined, requestType: string, pickupLocation: string | undefined, externalId: string | undefined): MockHold {
    const hold: MockHold = { requestId: this.nextId('H'), userId, itemBarcode, requestType, pickupLocation, externalId, status: 'active' };
    this.state.holds.set(hold.requestId, hold);
    return hold;
  }

  private requestItem(m: NcipMessageOf<'RequestItem'>): NcipMessage {
    const user = this.user(m.userId, m.authenticationInputs);
    this.notBlocked(user);
    const wanted = m.itemIds?.[0]?.itemIdentifierValue;
    const bibIds = (m.bibliographicIds ?? []).map((b) => b.bibliographicRecordId?.bibliographicRecordIdentifier ?? b.bibliographicItemId?.bibliographicItemIdentifier);
    const item = wanted !== undefined ? this.item(wanted) : [...this.state.items.values()].find((i) => i.bibId !== undefined && bibIds.includes(i.bibId));
    if (item === undefined) throw new Refusal('Unknown Item', `no copy of ${bibIds.join(', ')}`, 'BibliographicId', bibIds[0]);
    const hold = this.addHold(user.id, item.barcode, m.requestType.value, m.pickupLocation?.value, m.requestId?.requestIdentifierValue);
    return {
      messageType: 'RequestItemResponse',
      requestId: { requestIdentifierValue: hold.requestId },
      itemId: { itemIdentifierValue: item.barcode },
      userId: this.userId(user),
      requestType: m.requestType,
      requestScopeType: m.requestScopeType,
    };
  }

  private renewItem(m: NcipMessageOf<'RenewItem'>): NcipMessage {
    const user = this.user(m.userId, m.authenticationInputs);
    const item = this.item(m.itemId.itemIdentifierValue);
    if (item.loan === undefined || item.loan.userId !== user.id) throw new Refusal('Item Not Checked Out', `item ${item.barcode} is not on loan to ${user.id}`, 'ItemId', item.barcode);
    this.notBlocked(user);
    if ([...this.state.holds.values()].some((h) => h.itemBarcode === item.barcode && h.userId !== user.id && h.status === 'active')) {
      throw new Refusal('Renewal Not Allowed - Item Has Outstanding Requests', `item ${item.barcode} is requested by another patron`, 'ItemId', item.barcode);
    }
    if (item.loan.renewals >= this.config.maxRenewals) throw new Refusal('Maximum Renewals Exceeded', `already renewed ${item.loan.renewals} times`, 'ItemId', item.barcode);
    const dateDue = m.desiredDateDue !== undefined ? new Date(m.desiredDateDue) : new Date(item.loan.dateDue.getTime() + this.config.loanPeriodMs);
    item.loan = { ...item.loan, dateDue, renewals: item.loan.renewals + 1 };
    return { messageType: 'RenewItemResponse', itemId: m.itemId, userId: this.userId(user), dateDue: dateDue.toISOString(), renewalCount: item.loan.renewals };
  }
}
