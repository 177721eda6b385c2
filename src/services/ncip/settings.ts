/**
 * A member library's NCIP settings as the lifecycle reads them (`libraries.settings.ncip`): is
 * NCIP on, which steps call the ILS, and which of those hold a state change back (`IlsSteps`).
 */
import type { IlsSteps, NcipCall } from '../../domain/types';
import { libraryNcipSettingsSchema, ncipStepsSchema, type LibraryNcipSettings, type NcipSteps } from '../../ncip/settings';
import type { LibraryRow } from '../../store/libraries';

export const STEP_OF_CALL: Readonly<Record<NcipCall, keyof NcipSteps>> = {
  LookupUser: 'lookupUser',
  AcceptItem: 'acceptItem',
  CheckOutItem: 'checkOutItem',
  CheckInItem: 'checkInItem',
  DeleteItem: 'deleteItem',
  CancelRequestItem: 'cancelRequestItem',
};

function rawNcip(library: LibraryRow | undefined): Record<string, unknown> | undefined {
  const ncip = (library?.settings as { ncip?: unknown } | undefined)?.ncip;
  return typeof ncip === 'object' && ncip !== null ? (ncip as Record<string, unknown>) : undefined;
}

/** NCIP is on: settings present and not switched off (a bad setting still counts, and fails loudly in the worker). */
export function ncipSwitchedOn(library: LibraryRow | undefined): boolean {
  const ncip = rawNcip(library);
  return ncip !== undefined && ncip.enabled !== false;
}

/** The step switches, each on unless switched off. */
export function ncipSteps(library: LibraryRow | undefined): NcipSteps {
  const parsed = ncipStepsSchema.safeParse(rawNcip(library)?.steps ?? {});
  return parsed.success ? parsed.data : ncipStepsSchema.parse({});
}

/** Why an NCIP effect is not carried out for this library, or undefined when it is. */
export function ncipSkipReason(library: LibraryRow | undefined, call: NcipCall): string | undefined {
  if (!ncipSwitchedOn(library)) return 'NCIP is not switched on for this library';
  const step = STEP_OF_CALL[call];
  return ncipSteps(library)[step] ? undefined : `the library's NCIP step ${step} is switched off`;
}

/** The steps the machines wait for; none when NCIP is off. */
export function ilsStepsOf(library: LibraryRow | undefined): IlsSteps {
  if (!ncipSwitchedOn(library)) return {};
  const steps = ncipSteps(library);
  return { lookupUser: steps.lookupUser, checkOutItem: steps.checkOutItem };
}

/** The full settings, or a readable reason why they cannot be used. */
export function parseLibraryNcip(library: LibraryRow | undefined): { ok: true; settings: LibraryNcipSettings } | { ok: false; reason: string } {
  const raw = rawNcip(library);
  if (raw === undefined) return { ok: false, reason: 'the library has no NCIP settings' };
  const parsed = libraryNcipSettingsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `the library's NCIP settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  return { ok: true, settings: parsed.data };
}
