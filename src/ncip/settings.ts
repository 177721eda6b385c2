/**
 * A member library's NCIP connection to its own ILS. Field names follow ReShare mod-rs's settings
 * (`ncip_server_address`, `ncip_from_agency`, `ncip_to_agency`, `ncip_app_profile`,
 * `ncip_from_agency_authentication`); the per-ILS defaults for RequestType / RequestScopeType are
 * here because FOLIO wants "Page"/"Item", Sierra "Hold"/"Title", most others "Loan"/"Bibliographic Item".
 */
import { z } from 'zod';

export const ncipAuthenticationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  /** An API key in a header (FOLIO edge-ncip, proxies). */
  z.object({ type: z.literal('header'), name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), value: z.string().min(1) }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }),
]);

export const ncipSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  url: z.url({ protocol: /^https?$/ }),
  fromAgencyId: z.string().min(1),
  toAgencyId: z.string().min(1),
  /** Shared secret sent in the InitiationHeader; masked in every report. */
  fromAgencyAuthentication: z.string().min(1).optional(),
  /** ApplicationProfileType; mod-ncip selects its configuration by it. */
  applicationProfile: z.string().min(1).optional(),
  authentication: ncipAuthenticationSchema.default({ type: 'none' }),
  /** crosslink's mock refuses anything but application/xml; some servers want text/xml. */
  contentType: z.enum(['application/xml', 'text/xml']).default('application/xml'),
  /** mod-ncip's own backend timeout is 30 s; an ILS answer can legitimately take that long. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  requestType: z.string().min(1).default('Loan'),
  requestScopeType: z.string().min(1).default('Bibliographic Item'),
});

export type NcipSettings = z.output<typeof ncipSettingsSchema>;
export type NcipSettingsInput = z.input<typeof ncipSettingsSchema>;
export type NcipAuthentication = z.output<typeof ncipAuthenticationSchema>;

export function parseNcipSettings(input: unknown): NcipSettings {
  return ncipSettingsSchema.parse(input);
}
