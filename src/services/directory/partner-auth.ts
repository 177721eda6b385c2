/**
 * How this server and a partner prove who they are to each other (stored in `partners.auth`).
 *
 * - `inbound.securityCode`: the shared secret the partner must send in the header's
 *   requestingAgencyAuthentication/securityCode of every message (any of the three kinds).
 *   Without it, the partner is trusted on its agency id alone, as CrossLink and ReShare do.
 * - `outbound`: what we send it: the same header element, and extra HTTP headers (an API key or
 *   an Authorization header, CrossLink's per-peer `HttpHeaders`).
 */
import { sameSecret } from '../access/secrets';
import { z } from 'zod';
import type { PartnerRow } from '../../store/partners';

export const partnerAuthSchema = z
  .object({
    inbound: z.object({ securityCode: z.string().min(1).optional() }).default({}),
    outbound: z
      .object({
        accountId: z.string().min(1).optional(),
        securityCode: z.string().min(1).optional(),
        httpHeaders: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), z.string()).default({}),
      })
      .default({ httpHeaders: {} }),
  })
  .default({ inbound: {}, outbound: { httpHeaders: {} } });

export type PartnerAuth = z.output<typeof partnerAuthSchema>;

export function partnerAuth(partner: PartnerRow): PartnerAuth {
  return partnerAuthSchema.parse(partner.auth ?? {});
}

/** True when the partner needs no secret, or sent the right one (compared in constant time). */
export function securityCodeAccepted(partner: PartnerRow, given: string | undefined): boolean {
  const expected = partnerAuth(partner).inbound.securityCode;
  return expected === undefined || sameSecret(expected, given);
}
