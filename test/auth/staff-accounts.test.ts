import { addStaffAccount, setStaffPassword, StaffAccountError, verifyStaffSignIn } from '../../src/auth';
import { useTestDatabase } from '../support/database';

useTestDatabase();

describe('staff accounts', () => {
  it('creates an account once per username, however it is capitalised', async () => {
    const { generatedPassword } = await addStaffAccount({ username: 'zhao', displayName: '赵老师', role: 'trainer' });
    expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await verifyStaffSignIn('ZHAO', generatedPassword))?.displayName).toBe('赵老师');
    await expect(addStaffAccount({ username: 'Zhao', displayName: '另一个', role: 'admin', password: 'long enough password' })).rejects.toEqual(new StaffAccountError('username-taken'));
  });

  it('gives one account to exactly one of two simultaneous creations', async () => {
    const results = await Promise.allSettled([
      addStaffAccount({ username: 'race', displayName: '甲', role: 'trainer', password: 'first password 1' }),
      addStaffAccount({ username: 'race', displayName: '甲', role: 'trainer', password: 'second password 2' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('checks usernames, passwords and a registrar’s school', async () => {
    await expect(addStaffAccount({ username: 'a b', displayName: 'x', role: 'trainer' })).rejects.toEqual(new StaffAccountError('bad-username'));
    await expect(addStaffAccount({ username: 'short-pw', displayName: 'x', role: 'trainer', password: 'short' })).rejects.toEqual(new StaffAccountError('bad-password'));
    await expect(addStaffAccount({ username: 'no-school', displayName: 'x', role: 'registrar' })).rejects.toEqual(new StaffAccountError('registrar-needs-school'));
  });

  it('replaces a password so the old one stops working', async () => {
    await addStaffAccount({ username: 'qian', displayName: '钱老师', role: 'admin', password: 'the old password' });
    await setStaffPassword('qian', 'the new password');
    expect(await verifyStaffSignIn('qian', 'the old password')).toBeUndefined();
    expect((await verifyStaffSignIn('qian', 'the new password'))?.roles).toEqual(['admin']);
    await expect(setStaffPassword('nobody', 'whatever password')).rejects.toEqual(new StaffAccountError('no-such-account'));
  });

  it('refuses malformed input without throwing', async () => {
    expect(await verifyStaffSignIn({ $ne: '' }, 'x')).toBeUndefined();
    expect(await verifyStaffSignIn('qian', { $ne: '' })).toBeUndefined();
    expect(await verifyStaffSignIn('qian', '')).toBeUndefined();
  });
});
