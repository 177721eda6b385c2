/**
 * A member library's routing settings (`libraries.settings.routing`): the rota strategy of its
 * borrowing requests and of what it brokers, instead of the server's ROUTING_STRATEGY.
 */
import { z } from 'zod';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '../../domain/routing';
import type { LibraryRow } from '../../store/libraries';

export const libraryRoutingSettingsSchema = z
  .object({
    strategy: z
      .enum(ROUTING_STRATEGIES)
      .optional()
      .meta({ description: 'as_given: the candidates’ order; load_balance: fewest open requests from us first; reciprocal_first: reciprocal partners first. Absent: the server’s ROUTING_STRATEGY' }),
  })
  .strict();

export type LibraryRoutingSettings = z.output<typeof libraryRoutingSettingsSchema>;

/** The library's own strategy; undefined (the server's) when it has none or a stored one that does not validate. */
export function libraryStrategy(library: LibraryRow): RoutingStrategy | undefined {
  const parsed = libraryRoutingSettingsSchema.safeParse((library.settings as { routing?: unknown }).routing ?? {});
  return parsed.success ? parsed.data.strategy : undefined;
}
