/**
 * Every setting of a member library (`libraries.settings`), as one schema composed of the parts
 * their readers own: the NCIP connection to its ILS (src/ncip/settings.ts), what NCIP callers
 * must present (ncip/responder.ts), patron mail (src/notify/settings.ts), pickup locations (here:
 * staff and the web interface read them), the broker hub (broker/settings.ts), routing
 * (borrowing/routing-settings.ts) and its lending to the other member libraries served here: a
 * partner's `policies` plus loan periods per requester (lending/due-date.ts), and the catalogues
 * that find lenders (src/catalog/settings.ts), and its patrons' privacy (privacy/settings.ts), and its patron-facing side (patrons/settings.ts). The staff API, the directory file and the check of what is
 * stored all use it, so a setting is valid in one place exactly when it is in the others.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DirectoryCache } from '../../store/directory-cache';
import { catalogueSettingsSchema } from '../../catalog/settings';
import { libraryNcipSettingsSchema } from '../../ncip/settings';
import { mailSettingsSchema } from '../../notify/settings';
import { libraryRoutingSettingsSchema } from '../borrowing/routing-settings';
import { brokerSettingsSchema } from '../broker/settings';
import type { FieldProblem } from '../errors';
import { lendingSettingsSchema } from '../lending/due-date';
import { ncipResponderSettingsSchema } from '../ncip/responder';
import { patronSettingsSchema } from '../patrons/settings';
import { privacySettingsSchema } from '../privacy/settings';
import { pickupLocationsSchema } from './pickup-locations';

/** The parts, each with the schema of the module that reads it. */
const PARTS = {
  ncip: libraryNcipSettingsSchema.meta({ description: 'NCIP connection to the library’s ILS, the circulation steps that call it, and borrower accounts' }),
  ncipResponder: ncipResponderSettingsSchema.strict().meta({ description: 'What NCIP callers (discovery layers) must send as FromAgencyAuthentication' }),
  mail: mailSettingsSchema.meta({ description: 'Patron mail: sender, the notices that go out, time zone of dates, templates' }),
  pickupLocations: pickupLocationsSchema.meta({ description: 'Where patrons collect items' }),
  broker: brokerSettingsSchema,
  routing: libraryRoutingSettingsSchema.meta({ description: 'The rota strategy of this library’s requests' }),
  catalogue: catalogueSettingsSchema.meta({ description: 'Where the lenders of a request that names none are found: SRU catalogues and how their records name holders (README, "Finding lenders")' }),
  lending: lendingSettingsSchema.meta({
    description:
      'What this library lends to the other member libraries served here, as a partner’s `policies` say it (absent: everything, to every member), and how long: loanPeriodDays (also the due date of a ship without one) and a loan period per requesting library',
  }),
  privacy: privacySettingsSchema.meta({ description: 'Which patron details go to suppliers (absent: none), and how long patron details are kept on ended requests (absent: kept)' }),
  patrons: patronSettingsSchema.meta({ description: 'The patron-facing side: the OpenURL request form and the patron page (README, "Patrons"): sign-in, limits, language' }),
};

export type LibrarySettingsPart = keyof typeof PARTS;
export const LIBRARY_SETTINGS_PARTS = Object.keys(PARTS) as LibrarySettingsPart[];

/** All settings of a library, every part optional: the directory file's `settings`, and what should be stored. */
export const librarySettingsSchema = z
  .object({
    ncip: PARTS.ncip.optional(),
    ncipResponder: PARTS.ncipResponder.optional(),
    mail: PARTS.mail.optional(),
    pickupLocations: PARTS.pickupLocations.optional(),
    broker: PARTS.broker.optional(),
    routing: PARTS.routing.optional(),
    lending: PARTS.lending.optional(),
    catalogue: PARTS.catalogue.optional(),
    privacy: PARTS.privacy.optional(),
    patrons: PARTS.patrons.optional(),
  })
  .strict()
  .meta({ id: 'LibrarySettings' });

/** A change: each part given replaces the stored one; null removes it; parts not mentioned stay as they are. */
export const librarySettingsChangesSchema = z
  .object({
    ncip: PARTS.ncip.nullable().meta({ description: 'NCIP connection to the library’s ILS; null switches NCIP calls off' }),
    ncipResponder: PARTS.ncipResponder.nullable(),
    mail: PARTS.mail.nullable(),
    pickupLocations: PARTS.pickupLocations,
    broker: PARTS.broker.nullable().meta({ description: 'null: the library is no broker hub any more' }),
    routing: PARTS.routing.nullable().meta({ description: 'null: the server’s ROUTING_STRATEGY' }),
    lending: PARTS.lending.nullable().meta({ description: 'null: lends everything to every member library, and ship needs a due date again' }),
    catalogue: PARTS.catalogue.nullable().meta({ description: 'null: requests without lenders are routed from the directory' }),
    privacy: PARTS.privacy.nullable().meta({ description: 'null: no patron details to suppliers, and patron details kept' }),
    patrons: PARTS.patrons.nullable().meta({ description: 'null: the defaults (card sign-in where NCIP checks patrons, 10 open requests, English)' }),
  })
  .partial()
  .strict()
  .meta({ id: 'LibrarySettingsChanges', description: 'Secrets read back as "********"; sending that mask back keeps the stored secret' });

/**
 * What is wrong with stored settings (written before a part was checked, by an older version, or
 * by hand in SQL), one problem per field, `settings.`-prefixed. Such settings are reported, not
 * refused: the server starts and serves, each reader treats its own bad part as it always has
 * (a broker refuses with the problem, NCIP calls fail loudly, mail is skipped with the reason).
 */
export function librarySettingsProblems(settings: unknown): FieldProblem[] {
  const parsed = librarySettingsSchema.safeParse(settings ?? {});
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: ['settings', ...issue.path.map(String), key].join('.'), message: 'is not a known setting' }))
      : [{ path: ['settings', ...issue.path.map(String)].join('.'), message: issue.message }],
  );
}

/** At start: one warning per library whose stored settings do not validate (the server starts all the same). */
export async function reportLibrarySettings(directory: Pick<DirectoryCache, 'libraries'>, log: Pick<Logger, 'warn'>): Promise<void> {
  for (const library of await directory.libraries()) {
    const problems = librarySettingsProblems(library.settings);
    if (problems.length === 0) continue;
    log.warn(
      { library: library.symbol, problems },
      `the stored settings of ${library.symbol} do not validate (${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}); fix them with PATCH /api/v1/libraries/{symbol} or the directory file`,
    );
  }
}
