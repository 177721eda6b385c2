/**
 * The ILS test connection of the administration screens: LookupVersion and, for a test patron,
 * LookupUser, sent with the library's NCIP settings as stored or as entered in a form (unsaved).
 * Whatever comes back is the answer, in plain words plus the raw exchange: an ILS that is down,
 * slow or refuses is what the librarian wants to know, never an error of this server.
 */
import { z } from 'zod';
import { libraryNcipSettingsSchema } from '../../ncip/settings';
import { createNcipClient, type NcipExchange, type NcipFailure } from '../../ncip/client';
import type { Principal } from '../access/api-keys';
import { keepMaskedSecrets } from '../access/secrets';
import type { ServiceDeps } from '../deps';
import { LIBRARY_SECRETS, visibleLibrary } from '../directory/libraries';
import { ValidationFailed } from '../errors';
import { fieldProblems } from '../validation';

/** A test must answer while the librarian waits; the configured timeout (30 s by default) is for real loans. */
export const TEST_TIMEOUT_MS = 8_000;

export const ncipTestInputSchema = z
  .object({
    patronId: z.string().trim().min(1).max(200).optional().meta({ description: 'Also look this patron up (LookupUser)' }),
    settings: z.unknown().optional().meta({ description: 'NCIP settings as entered, not saved (the ncip part of LibrarySettings); absent: the stored ones. A masked secret ("********") means the stored one.' }),
  })
  .strict();

export type NcipTestInput = z.output<typeof ncipTestInputSchema>;

export interface NcipTestStep {
  readonly service: 'LookupVersion' | 'LookupUser';
  readonly ok: boolean;
  /** What came back, in plain words. */
  readonly message: string;
  readonly versions?: readonly string[];
  readonly services?: readonly string[];
  readonly patron?: { readonly id: string; readonly name?: string; readonly email?: string; readonly blocked: boolean; readonly blockReasons: readonly string[] };
}

export interface NcipTestResult {
  readonly url: string;
  /** Something answered over HTTP at the address (a Problem counts: the ILS is there). */
  readonly reachable: boolean;
  readonly timeoutMs: number;
  readonly steps: readonly NcipTestStep[];
  /** Request and response XML as exchanged, secrets masked. */
  readonly exchanges: readonly Omit<NcipExchange, 'startedAt' | 'failure'>[];
}

export async function testNcipConnection(deps: ServiceDeps, symbol: string, input: NcipTestInput, principal: Principal, options: { readonly fetch?: typeof fetch } = {}): Promise<NcipTestResult> {
  const row = await visibleLibrary(deps, symbol, principal);
  const raw = input.settings !== undefined ? keepMaskedSecrets({ ncip: input.settings }, row.settings, LIBRARY_SECRETS, 'settings').ncip : (row.settings as { ncip?: unknown }).ncip;
  if (raw === undefined || raw === null) throw new ValidationFailed([{ path: 'settings', message: 'the library has no NCIP settings: enter them to test' }]);
  const parsed = libraryNcipSettingsSchema.safeParse(raw);
  if (!parsed.success) throw fieldProblems(parsed.error, 'settings');
  const timeoutMs = Math.min(parsed.data.timeoutMs, TEST_TIMEOUT_MS);
  // A test is sent even while NCIP is switched off: checking the line before switching it on is the point.
  const settings = { ...parsed.data, enabled: true, timeoutMs };
  const exchanges: NcipExchange[] = [];
  const client = createNcipClient(settings, { onExchange: (e) => void exchanges.push(e), ...(options.fetch ? { fetch: options.fetch } : {}) });

  const steps: NcipTestStep[] = [];
  const version = await client.lookupVersion();
  const versions = version.ok ? version.value.versions.map(versionLabel) : [];
  steps.push(
    version.ok
      ? { service: 'LookupVersion', ok: true, message: `The ILS answered and supports NCIP ${versions.join(', ') || '(no version named)'}.`, versions, services: version.value.services }
      : { service: 'LookupVersion', ok: false, message: failureInWords(version.error, timeoutMs) },
  );
  if (input.patronId) {
    const user = await client.lookupUser({ patronId: input.patronId });
    if (user.ok) {
      const { userId, name, email, verdict, blockReasons } = user.value;
      const who = name?.display ? `${name.display} (${userId})` : userId;
      steps.push({
        service: 'LookupUser',
        ok: true,
        message: verdict === 'blocked' ? `Patron ${who} was found and is blocked${blockReasons.length ? `: ${blockReasons.join('; ')}` : ''}.` : `Patron ${who} was found and may borrow.`,
        patron: { id: userId, ...(name?.display ? { name: name.display } : {}), ...(email ? { email } : {}), blocked: verdict === 'blocked', blockReasons },
      });
    } else steps.push({ service: 'LookupUser', ok: false, message: failureInWords(user.error, timeoutMs) });
  }
  return {
    url: exchanges[0]?.url ?? settings.url,
    reachable: exchanges.some((e) => e.httpStatus !== undefined),
    timeoutMs,
    steps,
    exchanges: exchanges.map(({ startedAt: _startedAt, failure: _failure, ...rest }) => rest),
  };
}

/** VersionSupported is the schema's address (…/ncip/v2_02/ncip_v2_02.xsd); people say 2.02. */
function versionLabel(version: string): string {
  const match = /v(\d+)_(\d+)(?:\/|\.xsd|$)/.exec(version);
  return match ? `${match[1]}.${match[2]}` : version;
}

/** A failure as a librarian reads it: what happened and what to check. */
export function failureInWords(failure: NcipFailure, timeoutMs: number): string {
  if (failure.kind === 'disabled') return 'NCIP is switched off: nothing was sent.';
  if (failure.kind === 'refused') {
    const problems = failure.problems.map((p) => [p.type, p.detail].filter(Boolean).join(': ') + (p.element ? ` (${p.element}${p.value ? ` "${p.value}"` : ''})` : ''));
    return `The ILS answered with an NCIP Problem: ${problems.join('; ')}.`;
  }
  switch (failure.reason) {
    case 'connection':
      return /ECONNREFUSED|refused/i.test(failure.detail)
        ? `Nothing answers at this address (connection refused): check the NCIP address and that the ILS's NCIP service is running. (${failure.detail})`
        : `The ILS could not be reached: check the NCIP address and the network. (${failure.detail})`;
    case 'timeout':
      return `The ILS did not answer within ${Math.round(timeoutMs / 1000)} seconds.`;
    case 'http-status':
      return `The address answered with ${failure.detail} instead of an NCIP message: check the path and the authentication.`;
    case 'content-type':
      return `The address answered, but not with XML (${failure.detail}): it may not be an NCIP service.`;
    case 'too-large':
      return `The answer was too large to be NCIP (${failure.detail}).`;
    case 'unparseable':
      return `The answer is not an NCIP message this server can read (${failure.detail}).`;
    case 'temporary-problem':
      return `The ILS answered that it cannot process the call just now (${failure.detail}).`;
  }
}
