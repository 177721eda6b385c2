/** The partner directory as the web client reads it: GET /partners, typed where the API leaves policies and auth open. */
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

export type Partner = paths['/partners/{symbol}']['get']['responses'][200]['content']['application/json'];
export type PartnerStatus = Partner['status'];
export const STATUSES: readonly PartnerStatus[] = ['active', 'suspended', 'inactive'];
export const PROTOCOL_VERSIONS = ['1.2', '2021'] as const;
export const PARTNERS_KEY = ['partners'] as const;

/** src/domain/policies.ts, as stored (defaults filled in by the server). */
export interface Policies {
  readonly lends?: boolean;
  readonly services?: readonly ('Loan' | 'Copy')[];
  readonly formats?: { readonly willLend?: readonly string[]; readonly willNotLend?: readonly string[] };
  readonly loanPeriodDays?: number;
  readonly maxRenewals?: number;
  readonly dailyLimit?: number;
  readonly reciprocalOnly?: boolean;
  readonly reciprocalPartners?: readonly string[];
  readonly suspendedUntil?: string;
}

/** src/services/directory/partner-auth.ts, masked: a secret reads as "********". */
export interface MaskedAuth {
  readonly inbound?: { readonly securityCode?: string };
  readonly outbound?: { readonly accountId?: string; readonly securityCode?: string; readonly httpHeaders?: Readonly<Record<string, string>> };
}

export const policiesOf = (partner: Partner | undefined): Policies => (partner?.policies ?? {}) as Policies;
export const authOf = (partner: Partner | undefined): MaskedAuth => (partner?.auth ?? {}) as MaskedAuth;

export async function listPartners(): Promise<Partner[]> {
  return unwrap(await api.GET('/partners'));
}
