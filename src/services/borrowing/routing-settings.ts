/**
 * A member library's routing settings (`libraries.settings.routing`): the rota strategy of its
 * borrowing requests and of what it brokers, instead of the server's ROUTING_STRATEGY, and how
 * the `performance` strategy scores lenders (src/domain/lender-score.ts).
 */
import { z } from 'zod';
import { DEFAULT_LENDER_SCORE, type LenderScoreSettings } from '../../domain/lender-score';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '../../domain/routing';
import type { LibraryRow } from '../../store/libraries';

const weight = z.number().min(0).max(100);

export const performanceSettingsSchema = z
  .object({
    windowDays: z.number().int().min(7).max(1095).default(365).meta({ description: 'How far back a lender’s record counts' }),
    minSample: z.number().int().min(1).max(1000).default(DEFAULT_LENDER_SCORE.minSample).meta({ description: 'Requests a lender needs before its own times count; also the weight of the prior in its fill rate' }),
    priorFillRate: z.number().min(0).max(1).default(DEFAULT_LENDER_SCORE.priorFillRate).meta({ description: 'The fill rate a partner with no record starts at' }),
    typicalAnswerHours: z.number().positive().max(24 * 60).default(DEFAULT_LENDER_SCORE.typicalAnswerHours).meta({ description: 'A median time to answer this long scores 0.5; quicker scores higher' }),
    typicalShipHours: z.number().positive().max(24 * 120).default(DEFAULT_LENDER_SCORE.typicalShipHours).meta({ description: 'A median time from asking to shipping this long scores 0.5' }),
    weights: z
      .object({ fillRate: weight.default(DEFAULT_LENDER_SCORE.weights.fillRate), answer: weight.default(DEFAULT_LENDER_SCORE.weights.answer), ship: weight.default(DEFAULT_LENDER_SCORE.weights.ship) })
      .strict()
      .default(DEFAULT_LENDER_SCORE.weights)
      .meta({ description: 'How much each part counts in the score (a weighted mean)' }),
  })
  .strict();

export type PerformanceSettings = z.output<typeof performanceSettingsSchema>;

export const libraryRoutingSettingsSchema = z
  .object({
    strategy: z
      .enum(ROUTING_STRATEGIES)
      .optional()
      .meta({
        description:
          'as_given: the candidates’ order; load_balance: fewest open requests from us first; reciprocal_first: reciprocal partners first; performance: lenders scored by their measured fill rate and times to answer and ship for this library (README, "Finding lenders"). Absent: the server’s ROUTING_STRATEGY',
      }),
    performance: performanceSettingsSchema.optional().meta({ description: 'How the performance strategy scores lenders; absent: the defaults' }),
  })
  .strict();

export type LibraryRoutingSettings = z.output<typeof libraryRoutingSettingsSchema>;

function routingOf(library: Pick<LibraryRow, 'settings'>): LibraryRoutingSettings | undefined {
  const parsed = libraryRoutingSettingsSchema.safeParse((library.settings as { routing?: unknown }).routing ?? {});
  return parsed.success ? parsed.data : undefined;
}

/** The library's own strategy; undefined (the server's) when it has none or a stored one that does not validate. */
export function libraryStrategy(library: Pick<LibraryRow, 'settings'>): RoutingStrategy | undefined {
  return routingOf(library)?.strategy;
}

/** How the performance strategy scores lenders for this library, and over how many days. */
export function performanceSettingsOf(library: Pick<LibraryRow, 'settings'>): { readonly windowDays: number; readonly score: LenderScoreSettings } {
  const { windowDays, ...score } = routingOf(library)?.performance ?? performanceSettingsSchema.parse({});
  return { windowDays, score };
}
