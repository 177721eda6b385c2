import { limitKey } from '../../../../src/services/patrons/sign-in-limits';

describe('sign-in limit keys', () => {
  it('keys do not keep card numbers readable, and tell libraries apart', () => {
    expect(limitKey('library-1', '21000001')).not.toContain('21000001');
    expect(limitKey('library-1', '21000001')).not.toBe(limitKey('library-2', '21000001'));
    expect(limitKey('library-1', '21000001')).toBe(limitKey('library-1', '21000001'));
  });
});
