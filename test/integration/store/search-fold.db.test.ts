/** The folding of staff search runs twice, on stored text in SQL and on typed words in JS: both must agree. */
import { sql } from 'drizzle-orm';
import { foldSql, foldText } from '../../../src/store/search-fold';
import { freshDatabase, type TestDatabase } from '../../helpers/db';

const SAMPLES = ['Gödel', 'GÖDEL', 'Ærø Æbelø', 'Straße STRAẞE', 'Łódź Żuławski', 'Þórbergur', 'œuvre Œuvre', 'ﬁnal Ĳssel', 'Ｆｕｌｌ', 'Ørsted Đorđe Ħal ıstanbul', 'naïve café résumé', 'Ἀθῆναι Москва ёж', '東京 서울', 'ISBN 978-0-441-47812-5'];

describe('search folding', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database.close());

  it('folds accents, case and the two-letter spellings the same way in SQL and in JS', async () => {
    const folded: string[] = [];
    for (const sample of SAMPLES) {
      const result = await database.db.execute<{ folded: string }>(sql`select ${foldSql(sql`${sample}::text`)} as folded`);
      const rows = (result as unknown as { rows?: { folded: string }[] }).rows ?? (result as unknown as { folded: string }[]);
      folded.push(rows[0]!.folded);
    }
    expect(folded).toEqual(SAMPLES.map(foldText));
  });

  it('reads the accented letters as their base letters', () => {
    expect(SAMPLES.slice(0, 10).map(foldText)).toEqual(['godel', 'godel', 'aero aebelo', 'strasse strasse', 'lodz zulawski', 'thorbergur', 'oeuvre oeuvre', 'final ijssel', 'full', 'orsted dorde hal istanbul']);
  });
});
