import { DEFAULT_COST, generatePassword, hashPassword, needsRehash, passwordSchema, verifyPassword } from '../../../src/services/access/passwords';

describe('staff passwords (scrypt)', () => {
  const cheap = { N: 2 ** 10, r: 8, p: 1 };

  it('stores the scrypt cost, a random salt and the key, never the password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(new RegExp(`^scrypt\\$${DEFAULT_COST.N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(hash).not.toContain('horse');
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });

  it('accepts the password and refuses anything else, an unreadable hash included', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain text')).toBe(false);
  });

  it('reads a hash made with an older cost, and says it should be made again with today’s', async () => {
    const old = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
  });

  it('treats a composed and a decomposed accent as the same password', async () => {
    const hash = await hashPassword('Bibliothèque royale', cheap);
    expect(await verifyPassword('Bibliothe\u0300que royale', hash)).toBe(true);
  });

  it('asks for at least 12 characters', () => {
    expect(passwordSchema.safeParse('elevenchars').success).toBe(false);
    expect(passwordSchema.safeParse('twelve chars').success).toBe(true);
  });

  it('generates 20-character passwords without look-alike characters', () => {
    const made = Array.from({ length: 50 }, generatePassword);
    for (const password of made) expect(password).toMatch(/^[a-km-zA-HJ-NP-RT-Z2-79]{20}$/);
    expect(new Set(made).size).toBe(50);
  });
});
