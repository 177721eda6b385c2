/**
 * A member library's `settings.patrons`: its patron-facing side (the OpenURL request form and
 * the patron's page). How patrons sign in, what they may ask for, and in which language the
 * pages and mails speak to them.
 *
 * Sign-in is with the library card (barcode and PIN, checked by the ILS through NCIP
 * LookupUser) wherever the library's NCIP checks patrons; a library without NCIP may instead
 * let patrons sign in by a one-time link mailed to an address at one of its domains, which is
 * weaker (anyone who can read that mailbox is that patron) and says so in the settings.
 *
 * A stored part that does not validate (written by hand) is read as absent (the defaults).
 */
import { z } from 'zod';
import type { LibraryRow } from '../../store/libraries';

/** The languages patron pages and mails ship in. */
export const PATRON_LANGUAGES = ['en', 'de'] as const;
export type PatronLanguage = (typeof PATRON_LANGUAGES)[number];

export const PATRON_SIGN_IN_METHODS = ['ils', 'email'] as const;
export type PatronSignInMethod = (typeof PATRON_SIGN_IN_METHODS)[number];

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a mail domain such as uni.example.org');

export const patronSettingsSchema = z
  .object({
    enabled: z.boolean().optional().meta({ description: 'Whether patrons may request and follow requests online (the OpenURL form and the patron page); default true' }),
    signIn: z
      .enum(PATRON_SIGN_IN_METHODS)
      .optional()
      .meta({
        description:
          'How patrons sign in: ils (library card and PIN, checked by the ILS through NCIP LookupUser; the default when the library’s NCIP checks patrons) or email (a one-time link mailed to an address at one of emailDomains; WEAKER: whoever reads that mailbox signs in as that patron, and no ILS tells of blocks)',
      }),
    emailDomains: z.array(domain).max(50).optional().meta({ description: 'For e-mail sign-in: the domains whose addresses may sign in (subdomains not included)', example: ['uni.example.org'] }),
    maxOpenRequests: z.number().int().min(1).max(1000).optional().meta({ description: 'Requests one patron may have open at once (default 10)' }),
    requestsPerDay: z.number().int().min(1).max(1000).optional().meta({ description: 'Requests one patron may place in 24 hours (default 20)' }),
    language: z.enum(PATRON_LANGUAGES).optional().meta({ description: 'The language of patron pages and mails (default en)' }),
    statusLinkDays: z.number().int().min(1).max(365).optional().meta({ description: 'Days a status link in a patron mail stays valid (default 60)' }),
  })
  .strict();

export type PatronSettings = z.output<typeof patronSettingsSchema>;

/** The settings with every default filled in. */
export interface EffectivePatronSettings {
  readonly enabled: boolean;
  /** undefined: patrons cannot sign in here (no NCIP patron check, no e-mail domains). */
  readonly signIn: PatronSignInMethod | undefined;
  readonly emailDomains: readonly string[];
  readonly maxOpenRequests: number;
  readonly requestsPerDay: number;
  readonly language: PatronLanguage;
  readonly statusLinkDays: number;
}

export const PATRON_DEFAULTS = { maxOpenRequests: 10, requestsPerDay: 20, language: 'en', statusLinkDays: 60 } as const;

function storedOf(library: Pick<LibraryRow, 'settings'> | undefined): PatronSettings {
  const parsed = patronSettingsSchema.safeParse(library?.settings.patrons ?? {});
  return parsed.success ? parsed.data : {};
}

/** Whether the library's NCIP settings have the ILS check patrons (LookupUser switched on). */
function ilsChecksPatrons(library: Pick<LibraryRow, 'settings'> | undefined): boolean {
  const ncip = library?.settings.ncip as { enabled?: unknown; steps?: { lookupUser?: unknown } } | undefined;
  return ncip?.enabled === true && ncip.steps?.lookupUser !== false;
}

export function patronSettingsOf(library: Pick<LibraryRow, 'settings'> | undefined): EffectivePatronSettings {
  const stored = storedOf(library);
  const emailDomains = stored.emailDomains ?? [];
  const signIn = stored.signIn ?? (ilsChecksPatrons(library) ? 'ils' : emailDomains.length > 0 ? 'email' : undefined);
  return {
    enabled: stored.enabled ?? true,
    signIn,
    emailDomains,
    maxOpenRequests: stored.maxOpenRequests ?? PATRON_DEFAULTS.maxOpenRequests,
    requestsPerDay: stored.requestsPerDay ?? PATRON_DEFAULTS.requestsPerDay,
    language: stored.language ?? PATRON_DEFAULTS.language,
    statusLinkDays: stored.statusLinkDays ?? PATRON_DEFAULTS.statusLinkDays,
  };
}

/** The patron language of a library (mails and pages). */
export function patronLanguageOf(library: Pick<LibraryRow, 'settings'> | undefined): PatronLanguage {
  return patronSettingsOf(library).language;
}
