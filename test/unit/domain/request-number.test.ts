import { requestCountOf, requestNumber, requestNumberRange } from '../../../src/domain/request-number';

const ID = '3f2a91c4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

describe('the request number patrons quote', () => {
  it('is the library’s count of the request', () => {
    expect(requestNumber({ id: ID, number: 1042 })).toBe('1042');
    expect(requestNumber({ id: ID, number: 1 })).toBe('1');
  });

  it('is read back as typed, with or without a leading #', () => {
    for (const typed of ['1042', '#1042', ' 1042 ']) expect(requestCountOf(typed)).toBe(1042);
    for (const typed of ['', '#', '10 42', '1042a', '-1042', '1234567890']) expect(requestCountOf(typed)).toBeUndefined();
  });

  it('is the id’s first eight hex digits for a request the library has not counted, as every number was before requests were counted', () => {
    expect(requestNumber({ id: ID, number: null })).toBe('3F2A-91C4');
  });

  it('in that earlier form is read back with or without the hyphen, in any case, as the range of ids it stands for', () => {
    const range = { from: '3f2a91c4-0000-0000-0000-000000000000', to: '3f2a91c4-ffff-ffff-ffff-ffffffffffff' };
    for (const typed of ['3F2A-91C4', '3f2a91c4', ' 3f2A-91c4 ']) expect(requestNumberRange(typed)).toEqual(range);
    expect(ID >= range.from && ID <= range.to).toBe(true);
  });

  it('in that earlier form is none when it is not eight hex digits', () => {
    for (const typed of ['3F2A-91C', 'kindred', '3F2A-91C4-5B6D', 'G2A4-91C4', '']) expect(requestNumberRange(typed)).toBeUndefined();
  });
});
