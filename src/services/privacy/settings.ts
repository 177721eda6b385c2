/**
 * A member library's `settings.privacy`: which of its patrons' details go to suppliers in ISO
 * 18626 (`patronDetailsToSuppliers`), and how long patron details are kept on requests that
 * ended (`retentionDays`). Absent: nothing of the patron is sent, and details are kept.
 *
 * A stored part that does not validate (written by hand) is read as absent: the safe side of
 * both settings, since sending less and erasing nothing can be undone by fixing the setting.
 */
import { z } from 'zod';
import type { LibraryRow } from '../../store/libraries';

export const PATRON_DETAIL_LEVELS = ['none', 'name', 'full'] as const;
export type PatronDetailLevel = (typeof PATRON_DETAIL_LEVELS)[number];

export const privacySettingsSchema = z
  .object({
    patronDetailsToSuppliers: z
      .enum(PATRON_DETAIL_LEVELS)
      .optional()
      .meta({
        description:
          'What a request to a supplier (a partner over HTTP, or another member library here) tells about the patron: none (the default: no patronInfo at all, the supplier needs nothing of the patron to lend to the library), name (given name and surname), full (patron id, name and e-mail: ReShare without "suppress patron info")',
      }),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(36_500)
      .optional()
      .meta({ description: 'Days after a request ended (its last change into a final state) before the daily job erases its patron details; absent: kept', example: 365 }),
  })
  .strict();

export type PrivacySettings = z.output<typeof privacySettingsSchema>;

function privacyOf(library: Pick<LibraryRow, 'settings'> | undefined): PrivacySettings {
  const parsed = privacySettingsSchema.safeParse(library?.settings.privacy ?? {});
  return parsed.success ? parsed.data : {};
}

/** What the library sends of its patrons; `none` without a library or a setting. */
export function patronDetailLevel(library: Pick<LibraryRow, 'settings'> | undefined): PatronDetailLevel {
  return privacyOf(library).patronDetailsToSuppliers ?? 'none';
}

/** Days patron details are kept on ended requests; undefined: kept. */
export function retentionDays(library: Pick<LibraryRow, 'settings'> | undefined): number | undefined {
  return privacyOf(library).retentionDays;
}
