import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMarcRecords } from '../../../src/catalog/marc';
import { itemMetadata } from '../../../src/catalog/metadata';
import { readSruAnswer } from '../../../src/catalog/sru-response';
import { SHARED_SRU_DIR } from '../../helpers/sru-server';

const records = (xml: string) => readSruAnswer(xml, { maxBytes: 8 * 1024 * 1024 }).records.flatMap((r) => readMarcRecords(r.data));
const sample = (name: string) => records(readFileSync(join(SHARED_SRU_DIR, name), 'utf8'));
const fixture = (name: string) => records(readFileSync(join(__dirname, '../../fixtures/catalog', name), 'utf8'));

describe('metadata for the request form, from a catalogue record', () => {
  it('takes title, author, publisher, date, ISBNs and OCLC numbers, without ISBD punctuation', () => {
    const [record] = sample('upenn-libraries-Find__physical_bib_availability.xml');
    expect(itemMetadata(record!)).toMatchObject({
      title: 'Philosophy and the mirror of nature',
      author: 'Rorty, Richard',
      isbns: ['0691072361'],
      oclcNumbers: ['5886457'],
      recordId: '994689523503681',
    });
    expect(itemMetadata(record!).placeOfPublication).toBe('Princeton');
  });

  it('joins title and subtitle, and reads the edition (250) and the publication statement (264 _1)', () => {
    const [record] = fixture('gvi-marc924.xml');
    expect(itemMetadata(record!)).toEqual({
      title: 'Fernleihe in der Praxis : ein Handbuch',
      author: 'Muster, Erika',
      edition: '2. Auflage',
      placeOfPublication: 'Tübingen',
      publisher: 'Mohr Siebeck',
      publicationDate: '2024',
      recordId: '1234567890',
      isbns: ['9783161484100'],
      issns: [],
      oclcNumbers: ['42'],
    });
  });

  it('reads 260 when there is no 264, and a corporate author (110 $a $b)', () => {
    const [record] = fixture('koha-marc952.xml');
    expect(itemMetadata(record!)).toMatchObject({ title: 'Library systems', author: 'Koha Community. Documentation Team', placeOfPublication: 'Wellington', publisher: 'Horowhenua', publicationDate: '2001', isbns: ['0306406152'] });
  });

  it('gives every ISBN of a record, hyphens removed, and no OCLC number where 035 has none', () => {
    const [first] = sample('BIBSYSDEV-alma-sru-proxy__SRU_response_3_hits_for_one_isbn.xml');
    expect(itemMetadata(first!)).toMatchObject({ isbns: ['0429203861', '0429512260'], oclcNumbers: [] });
  });

  it('reads a serial’s ISSN-less ZDB record without inventing identifiers', () => {
    const bib = sample('hbz-lobid-extra-holdings__sru_records_and_holdings.xml').filter((r) => r.type === 'bibliographic');
    expect(bib).toHaveLength(5);
    expect(bib.map((r) => r.type)).toEqual(Array(5).fill('bibliographic'));
    expect(itemMetadata(bib[0]!).isbns).toEqual([]);
  });
});
