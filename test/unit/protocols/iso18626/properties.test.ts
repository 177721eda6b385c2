import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildIso18626,
  confirmInbound,
  ERROR_TYPES,
  Iso18626Error,
  Iso18626MessageSchema,
  parseIso18626,
  PROTOCOL_VERSIONS,
  tryParseIso18626,
} from '../../../../protocols/iso18626';
import type { Iso18626Message, ProtocolVersion } from '../../../../protocols/iso18626';
import { validateAgainst, type SchemaName } from '../../../helpers/xsd';
import { anyMessage, messageArbitraries } from './arbitraries';
import { fullMessages } from './messages';

const SAMPLES_DIR = join(__dirname, '../../../../../shared/protocols/iso18626/samples');
const SCHEMA: Record<ProtocolVersion, SchemaName> = { '1.2': 'iso18626', '2021': 'iso18626_2021' };

/** What the model may hold but a version cannot send: an absent status (both), and in 2021 a request without serviceInfo or a negative sortOrder. */
function sendable(message: Iso18626Message, version: ProtocolVersion): boolean {
  if (message.kind === 'supplyingAgencyMessage' && message.statusInfo.status === undefined) return false;
  if (version === '2021' && message.kind === 'request') {
    const sortOrders = [...(message.supplierInfo ?? []), ...(message.requestedDeliveryInfo ?? [])].map((s) => s.sortOrder ?? 0);
    return message.serviceInfo !== undefined && sortOrders.every((n) => n >= 0);
  }
  return true;
}

describe('properties of the codec', () => {
  it.each(Object.keys(messageArbitraries) as (keyof typeof messageArbitraries)[])(
    'writes any valid %s schema-valid and reads it back equal',
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(messageArbitraries[kind], async (message) => {
          const xml = buildIso18626(message);
          expect(await validateAgainst('iso18626', xml)).toEqual({ valid: true, errors: [] });
          expect(parseIso18626(xml).message).toStrictEqual(message);
        }),
        { numRuns: 10 },
      );
    },
  );

  it('reads back equal whatever is written, for many more messages (no schema check)', () => {
    fc.assert(
      fc.property(anyMessage, (message) => {
        const result = parseIso18626(buildIso18626(message, { pretty: false }));
        expect(result.message).toStrictEqual(message);
        expect(result.unknownElements).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('only ever produces messages the model accepts', () => {
    fc.assert(
      fc.property(anyMessage, (message) => {
        expect(Iso18626MessageSchema.safeParse(parseIso18626(buildIso18626(message)).message).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  describe('mutated documents', () => {
    const seeds = [
      ...fullMessages.map((m) => buildIso18626(m)),
      ...fullMessages.map((m) => buildIso18626(m, { version: '2021' })),
      ...readdirSync(SAMPLES_DIR)
        .filter((f) => f.endsWith('.xml'))
        .map((f) => readFileSync(join(SAMPLES_DIR, f), 'utf8')),
    ];
    const tagNames = (xml: string) => [...new Set([...xml.matchAll(/<([A-Za-z][\w:.-]*)/g)].map((m) => m[1]!))];

    type Mutation = (xml: string) => fc.Arbitrary<string>;
    /** One of the document's element names, or the document unchanged when it has none left. */
    const withTag = (xml: string, f: (name: string) => string) => {
      const names = tagNames(xml);
      return names.length === 0 ? fc.constant(xml) : fc.constantFrom(...names).map(f);
    };
    const mutations: Record<string, Mutation> = {
      truncate: (xml) => fc.nat(xml.length).map((n) => xml.slice(0, n)),
      flipByte: (xml) => fc.tuple(fc.nat(xml.length - 1), fc.integer({ min: 0, max: 0xffff })).map(([i, c]) => xml.slice(0, i) + String.fromCharCode(c) + xml.slice(i + 1)),
      renameElement: (xml) =>
        fc.constantFrom('foo', 'Status', 'ill:x', 'action', 'header', '').chain((to) => withTag(xml, (from) => xml.split(`<${from}`).join(`<${to}`))),
      removeElement: (xml) => withTag(xml, (name) => xml.replace(new RegExp(`<${name}[\\s>][\\s\\S]*?</${name}>`), '')),
      insertJunk: (xml) =>
        fc.tuple(fc.nat(xml.length), fc.constantFrom('<junk/>', '<', '&', '&bogus;', ']]>', '<![CDATA[x]]>', '<?pi x?>', '<!-- c -->', '</request>', '\u0000', '<action>Foo</action>', 'ill:scheme="x"'))
          .map(([i, junk]) => xml.slice(0, i) + junk + xml.slice(i)),
      duplicateElement: (xml) =>
        withTag(xml, (name) => {
          const m = new RegExp(`<${name}[\\s>][\\s\\S]*?</${name}>`).exec(xml);
          return m ? xml.replace(m[0], m[0] + m[0]) : xml;
        }),
      injectDtd: (xml) =>
        fc.constantFrom(
          '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
          '<!DOCTYPE x SYSTEM "http://evil.example/x.dtd">',
          '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        ).map((dtd) => xml.replace(/(<\?xml[^>]*\?>)?/, (decl) => `${decl}${dtd}`)),
    };
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.constantFrom(...Object.keys(mutations)), fc.integer({ min: 1, max: 3 }))
      .chain(([seed, first, rounds]) => {
        let arb = mutations[first]!(seed);
        for (let i = 1; i < rounds; i++) arb = arb.chain((xml) => fc.constantFrom(...Object.values(mutations)).chain((m) => (xml.length > 0 ? m(xml) : fc.constant(xml))));
        return arb;
      });

    it('never crash the parser: every outcome is a message or a typed ISO 18626 error', () => {
      fc.assert(
        fc.property(mutated, (xml) => {
          const outcome = tryParseIso18626(xml);
          if (outcome.ok) {
            expect(Iso18626MessageSchema.safeParse(outcome.result.message).success).toBe(true);
          } else {
            expect(outcome.error).toBeInstanceOf(Iso18626Error);
            expect(ERROR_TYPES).toContain(outcome.error.errorType);
            expect(outcome.error.detail.startsWith(`${outcome.error.element}: `)).toBe(true);
          }
          try {
            parseIso18626(xml);
          } catch (err) {
            expect(err).toBeInstanceOf(Iso18626Error);
          }
        }),
        { numRuns: 1500 },
      );
    });

    it('always yield a confirmation that can be written, whatever arrived', () => {
      fc.assert(
        fc.property(mutated, (xml) => {
          const reply = confirmInbound(tryParseIso18626(xml), new Date('2025-01-01T00:00:00Z'));
          expect(() => buildIso18626(reply.message)).not.toThrow();
        }),
        { numRuns: 500 },
      );
    });

    it('always yield a schema-valid confirmation in the revision read, and a schema-valid rebuild of what parsed in both (sampled)', async () => {
      await fc.assert(
        fc.asyncProperty(mutated, async (xml) => {
          const outcome = tryParseIso18626(xml);
          const reply = confirmInbound(outcome, new Date('2025-01-01T00:00:00Z'));
          const revision = outcome.ok ? outcome.result.revision : '1.2';
          expect(await validateAgainst(SCHEMA[revision], buildIso18626(reply.message, { version: revision }))).toEqual({ valid: true, errors: [] });
          const message = outcome.ok ? outcome.result.message : undefined;
          for (const version of PROTOCOL_VERSIONS) {
            if (message && sendable(message, version)) {
              expect(await validateAgainst(SCHEMA[version], buildIso18626(message, { version }))).toEqual({ valid: true, errors: [] });
            }
          }
        }),
        { numRuns: 30 },
      );
    }, 120_000);

    it('rebuild whatever they parse into a message that reads back the same', () => {
      fc.assert(
        fc.property(mutated, (xml) => {
          const outcome = tryParseIso18626(xml);
          if (!outcome.ok) return;
          let rebuilt: string;
          try {
            rebuilt = buildIso18626(outcome.result.message);
          } catch (err) {
            // Only an absent status (Alma's empty one, or a 2021 status) may not be sent on.
            expect(err).toMatchObject({ element: 'supplyingAgencyMessage.statusInfo.status' });
            return;
          }
          expect(parseIso18626(rebuilt).message).toStrictEqual(outcome.result.message);
        }),
        { numRuns: 500 },
      );
    });
  });
});
