import { requestNumber, requestNumberRange } from '../../../src/domain/request-number';

describe('the request number patrons quote', () => {
  it('is the id’s first eight hex digits in two groups, upper case', () => {
    expect(requestNumber('3f2a91c4-5b6d-4e7f-8a9b-0c1d2e3f4a5b')).toBe('3F2A-91C4');
  });

  it('is read back as typed or spoken, with or without the hyphen, in any case, as the range of ids it stands for', () => {
    const range = { from: '3f2a91c4-0000-0000-0000-000000000000', to: '3f2a91c4-ffff-ffff-ffff-ffffffffffff' };
    for (const typed of ['3F2A-91C4', '3f2a91c4', ' 3f2A-91c4 ']) expect(requestNumberRange(typed)).toEqual(range);
    const id = '3f2a91c4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
    expect(id >= range.from && id <= range.to).toBe(true);
  });

  it('is no request number when it is not eight hex digits', () => {
    for (const typed of ['3F2A-91C', 'kindred', '3F2A-91C4-5B6D', 'G2A4-91C4', '']) expect(requestNumberRange(typed)).toBeUndefined();
  });
});
