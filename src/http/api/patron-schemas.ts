/** Answer shapes of the patron routes (tag "Patrons") for the OpenAPI document. */
import { z } from 'zod';
import { PATRON_LANGUAGES, PATRON_SIGN_IN_METHODS } from '../../services/patrons/settings';

const instant = z.iso.datetime({ offset: true });

/** The library as a patron page names it. */
export const patronLibraryBriefSchema = z
  .object({
    symbol: z.string().meta({ example: 'ISIL:DE-1' }),
    name: z.string(),
    language: z.enum(PATRON_LANGUAGES).meta({ description: 'The language of the library’s patron pages and mails' }),
  })
  .meta({ id: 'PatronLibraryBrief' });

export const patronPickupLocationSchema = z
  .object({ code: z.string().meta({ example: 'MAIN' }), name: z.string(), address: z.string().optional() })
  .meta({ id: 'PatronPickupLocation' });

export const patronLibrarySchema = patronLibraryBriefSchema
  .extend({
    acceptsRequests: z.boolean().meta({ description: 'Patrons may request here online: the patron side is on and they have a way to sign in' }),
    signIn: z
      .enum(PATRON_SIGN_IN_METHODS)
      .nullable()
      .meta({ description: 'ils: library card and PIN; email: a one-time link mailed to an address at one of emailDomains; null: no online sign-in' }),
    emailDomains: z.array(z.string()).meta({ description: 'For e-mail sign-in: the domains whose addresses may sign in (empty otherwise)' }),
    pickupLocations: z.array(patronPickupLocationSchema),
    maxOpenRequests: z.number().int(),
  })
  .meta({ id: 'PatronLibrary' });

export const patronSessionSchema = z
  .object({
    library: patronLibraryBriefSchema,
    method: z.enum(PATRON_SIGN_IN_METHODS).meta({ description: 'How the patron signed in' }),
    name: z.string().optional().meta({ description: 'As the ILS knows the patron' }),
    email: z.string().optional().meta({ description: 'From the ILS, or the address the sign-in link went to' }),
    blocked: z.boolean().meta({ description: 'The ILS says this patron may not borrow now: new requests are refused' }),
    blockReasons: z.array(z.string()).meta({ description: 'Why, in the ILS’s words' }),
    openRequests: z.number().int().meta({ description: 'The patron’s requests at this library that have not ended' }),
    maxOpenRequests: z.number().int(),
    expiresAt: instant.meta({ description: 'The session ends here however busy (2 hours after sign-in)' }),
    idleExpiresAt: instant.meta({ description: 'The session ends here unless used before (20 minutes; each use moves it on)' }),
  })
  .meta({ id: 'PatronSession' });

export const sentSignInLinkSchema = z
  .object({
    sentTo: z.string().meta({ description: 'The address the link went to' }),
    expiresAt: instant.meta({ description: 'The link works until then (15 minutes), once' }),
  })
  .meta({ id: 'PatronSignInLinkSent' });
