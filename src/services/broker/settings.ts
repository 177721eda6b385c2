/**
 * A member library's broker settings (`libraries.settings.broker`): present, the library is a
 * broker hub, and `mode` says whose symbols the relayed headers show (hub.ts). One schema is the
 * type, the staff API's check, the directory file's check and what the hub reads by.
 */
import { z } from 'zod';
import { BROKER_MODES } from '../../domain/broker';
import type { LibraryRow } from '../../store/libraries';
import { Iso18626Refusal } from '../iso18626/refusal';

export const brokerSettingsSchema = z
  .object({
    mode: z.enum(BROKER_MODES).meta({ description: 'opaque: each side sees the hub as its partner; transparent: the headers show the real requester and supplier' }),
  })
  .strict()
  .meta({ description: 'Present: the library is a broker hub, and a request addressed to it is brokered instead of supplied' });

export type BrokerSettings = z.output<typeof brokerSettingsSchema>;

/** The library's broker settings: undefined when it is not a broker; a refusal when they do not validate. */
export function brokerSettingsOf(library: LibraryRow): BrokerSettings | undefined {
  const stored = (library.settings as { broker?: unknown }).broker;
  if (stored === undefined) return undefined;
  const parsed = brokerSettingsSchema.safeParse(stored);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${['settings', 'broker', ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new Iso18626Refusal('UnrecognisedDataValue', `${library.symbol} is set up as a broker with invalid settings (${problem})`);
  }
  return parsed.data;
}
