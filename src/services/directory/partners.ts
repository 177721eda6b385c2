/**
 * The partner directory as staff edit it: who we exchange ISO 18626 with, where, with which
 * credentials and lending policies. Secrets in `auth` are masked on every read (services/access/secrets.ts).
 */
import { z } from 'zod';
import { PROTOCOL_VERSIONS } from '../../../protocols/iso18626';
import { lendingPoliciesSchema } from '../../domain/policies';
import { canonicalSymbol } from '../../domain/symbols';
import { insertPartner, updatePartner, type PartnerRow } from '../../store/partners';
import { agencySymbolSchema } from '../access/api-keys';
import type { ServiceDeps } from '../deps';
import { Conflict, NotFound } from '../errors';
import { partnerAuthSchema } from './partner-auth';
import { keepMaskedSecrets, maskSecrets, type SecretPath } from '../access/secrets';
import { fieldProblems, onlyGiven } from '../validation';

export const PARTNER_SECRETS: readonly SecretPath[] = [['inbound', 'securityCode'], ['outbound', 'securityCode'], ['outbound', 'httpHeaders', '*']];
const STATUSES = ['active', 'suspended', 'inactive'] as const;

const partnerFields = {
  name: z.string().trim().min(1).max(300),
  iso18626Url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable().meta({ description: 'Where ISO 18626 messages to the partner are POSTed' }),
  auth: partnerAuthSchema.meta({ description: `Credentials both ways; secrets read back as "********", and sending that mask back keeps the stored secret` }),
  policies: lendingPoliciesSchema,
  vendor: z.string().trim().min(1).max(100).nullable().meta({ description: 'The partner’s ILL software (ReShare, Alma, ILLiad ...), for peer quirks' }),
  contactEmail: z.email('must be an e-mail address').nullable(),
  status: z.enum(STATUSES),
  protocolVersion: z.enum(PROTOCOL_VERSIONS).meta({ description: 'The ISO 18626 schema every message to the partner is written in: 1.2 (ISO18626-v1_2.xsd) or 2021 (ISO-18626-2021-2.xsd)' }),
};

export const newPartnerSchema = z
  .object({
    symbol: agencySymbolSchema,
    name: partnerFields.name,
    iso18626Url: partnerFields.iso18626Url.optional(),
    auth: partnerFields.auth.optional(),
    policies: partnerFields.policies.optional(),
    vendor: partnerFields.vendor.optional(),
    contactEmail: partnerFields.contactEmail.optional(),
    status: partnerFields.status.default('active'),
    protocolVersion: partnerFields.protocolVersion.default('1.2'),
  })
  .strict();

/** Fields given replace the stored ones (`auth` and `policies` as whole objects). */
export const partnerChangesSchema = z.object(partnerFields).partial().strict();

export interface PartnerView {
  readonly symbol: string;
  readonly name: string;
  readonly iso18626Url: string | null;
  readonly auth: unknown;
  readonly policies: unknown;
  readonly vendor: string | null;
  readonly contactEmail: string | null;
  readonly status: PartnerRow['status'];
  readonly protocolVersion: PartnerRow['protocolVersion'];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function view(row: PartnerRow): PartnerView {
  return {
    symbol: row.symbol,
    name: row.name,
    iso18626Url: row.iso18626Url,
    auth: maskSecrets(row.auth, PARTNER_SECRETS),
    policies: row.policies,
    vendor: row.vendor,
    contactEmail: row.contactEmail,
    status: row.status,
    protocolVersion: row.protocolVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function existing(deps: ServiceDeps, symbol: string): Promise<PartnerRow> {
  const row = await deps.directory.partner(canonicalSymbol(symbol));
  if (!row) throw new NotFound('partner', canonicalSymbol(symbol));
  return row;
}

export async function listDirectory(deps: ServiceDeps): Promise<PartnerView[]> {
  return (await deps.directory.partners()).map(view);
}

export async function getPartner(deps: ServiceDeps, symbol: string): Promise<PartnerView> {
  return view(await existing(deps, symbol));
}

export async function createPartner(deps: ServiceDeps, input: unknown): Promise<PartnerView> {
  const parsed = newPartnerSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const symbol = canonicalSymbol(parsed.data.symbol);
  if (await deps.directory.partner(symbol)) throw new Conflict(`partner ${symbol} is already in the directory`);
  const p = parsed.data;
  const row = await deps.directory.write((db) =>
    insertPartner(db, {
      id: deps.newId(),
      symbol,
      name: p.name,
      iso18626Url: p.iso18626Url ?? null,
      auth: keepMaskedSecrets(partnerAuthSchema.parse(p.auth), {}, PARTNER_SECRETS, 'auth'),
      policies: p.policies ?? lendingPoliciesSchema.parse({}),
      vendor: p.vendor ?? null,
      contactEmail: p.contactEmail ?? null,
      status: p.status,
      protocolVersion: p.protocolVersion,
    }),
  );
  return view(row);
}

export async function changePartner(deps: ServiceDeps, symbol: string, input: unknown): Promise<PartnerView> {
  const row = await existing(deps, symbol);
  const parsed = partnerChangesSchema.safeParse(input);
  if (!parsed.success) throw fieldProblems(parsed.error);
  const { auth, ...rest } = onlyGiven(parsed.data, input);
  const changes = { ...rest, ...(auth !== undefined ? { auth: keepMaskedSecrets(auth, row.auth, PARTNER_SECRETS, 'auth') } : {}) };
  return view((await deps.directory.write((db) => updatePartner(db, row.id, changes, deps.now())))!);
}
